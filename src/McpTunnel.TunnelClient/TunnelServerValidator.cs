using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using McpTunnel.Pki;

namespace McpTunnel.TunnelClient;

/// <summary>
/// Verifies the proxy's inner-TLS certificate the way Anthropic's side does: the chain must end
/// at one of the registered CAs with nothing in between, the name must match, and it must be in its validity
/// period. The system store is never consulted. The last failure per server name is kept so callers (the edge,
/// doctor) can say why, in the words of the troubleshooting table.
/// </summary>
internal sealed class TunnelServerValidator(X509Certificate2Collection registeredCas)
{
    private readonly ConcurrentDictionary<string, string> _lastFailure = new(StringComparer.OrdinalIgnoreCase);

    public X509Certificate2Collection RegisteredCas { get; } = registeredCas;

    public string? LastFailure(string serverName) => _lastFailure.TryGetValue(serverName, out var reason) ? reason : null;

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        var serverName = (sender as SslStream)?.TargetHostName ?? "";
        var reason = Check(certificate, chain, errors);
        if (reason is null)
        {
            _lastFailure.TryRemove(serverName, out _);
            return true;
        }

        _lastFailure[serverName] = reason;
        return false;
    }

    private string? Check(X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            return "no certificate presented";
        }

        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var chain = CustomRootChain.Build(leaf, RegisteredCas, presented, out var valid);
        if (!valid)
        {
            var statuses = chain.ChainStatus.Select(s => s.Status).ToList();
            if (statuses.Contains(X509ChainStatusFlags.NotTimeValid))
            {
                return leaf.NotAfter < DateTime.Now
                    ? $"certificate expired (not after {leaf.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm}Z)"
                    : $"certificate not yet valid (not before {leaf.NotBefore.ToUniversalTime():yyyy-MM-dd HH:mm}Z)";
            }

            if (statuses.Contains(X509ChainStatusFlags.UntrustedRoot) || statuses.Contains(X509ChainStatusFlags.PartialChain))
            {
                return $"unknown certificate authority (issuer \"{leaf.Issuer}\" is not a registered CA)";
            }

            return "certificate chain invalid: " + string.Join(", ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()));
        }

        if (chain.ChainElements.Count != 2)
        {
            return $"certificate is not signed directly by a registered CA ({chain.ChainElements.Count - 2} intermediate(s) in between)";
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            var names = leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames());
            return $"certificate name mismatch (SAN {string.Join(", ", names)})";
        }

        return null;
    }
}
