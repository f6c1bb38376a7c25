using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using McpTunnel.Proxy.Configuration;

namespace McpTunnel.Proxy.Forwarding;

/// <summary>
/// Verifies an <c>https://</c> upstream: against the <c>upstream.tls.ca_file</c> bundle,
/// and against the system store only when <c>include_system_cas</c> is set. With neither there is no trust
/// anchor and every upstream certificate is refused. The name is always checked against the upstream host.
/// </summary>
internal sealed class UpstreamCertificateValidator
{
    private readonly X509Certificate2Collection _bundle = [];
    private readonly bool _includeSystem;

    public UpstreamCertificateValidator(UpstreamSettings settings)
    {
        _includeSystem = settings.TlsIncludeSystemCas;
        if (settings.TlsCaFile is { } path)
        {
            _bundle.ImportFromPemFile(path);
        }
    }

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        if (errors == SslPolicyErrors.None && _includeSystem)
        {
            return true;
        }

        if (_bundle.Count == 0)
        {
            return false;
        }

        return McpTunnel.Pki.CustomRootChain.IsTrusted(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()), _bundle, chain);
    }
}
