using McpTunnel.Proxy.Tls;

namespace McpTunnel.Proxy.Observability;

/// <summary>
/// What <c>/readyz</c> answers: ready once the tunnel listener is bound, while the serving certificate is within its
/// validity period, and until the drain starts; otherwise the first reason that is not met, in words an operator can
/// act on. Checked at request time, so an expiring certificate turns the probe red without a restart.
/// </summary>
internal sealed class Readiness(CertificateStore certificates, TimeProvider time, CancellationToken draining)
{
    private volatile bool _listening;

    public void MarkListening() => _listening = true;

    /// <summary>Null when ready; else why not.</summary>
    public string? NotReadyReason()
    {
        if (draining.IsCancellationRequested)
        {
            return "draining: the proxy is shutting down";
        }

        if (!_listening)
        {
            return "the tunnel listener is not bound yet";
        }

        var leaf = certificates.Current.Leaf;
        var now = time.GetUtcNow().UtcDateTime;
        if (leaf.NotAfter.ToUniversalTime() <= now)
        {
            return $"the certificate expired at {leaf.NotAfter.ToUniversalTime():O}; renew it (setup renew-cert) and it is reloaded automatically";
        }

        if (leaf.NotBefore.ToUniversalTime() > now)
        {
            return $"the certificate is not valid before {leaf.NotBefore.ToUniversalTime():O}; check the clock";
        }

        return null;
    }
}
