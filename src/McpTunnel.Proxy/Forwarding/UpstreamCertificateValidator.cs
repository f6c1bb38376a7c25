using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using McpTunnel.Proxy.Configuration;

namespace McpTunnel.Proxy.Forwarding;

/// <summary>
/// Verifies an <c>https://</c> upstream (spec items 28, 57): against the <c>upstream.tls.ca_file</c> bundle,
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

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_bundle);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return custom.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }
}
