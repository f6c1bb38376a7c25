using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace McpTunnel.Setup.Outputs;

/// <summary>
/// An HttpClient for the in-cluster API server: trusts the service-account CA (and only it, besides
/// the system store), never follows redirects, never sends cookies.
/// </summary>
internal static class KubernetesHttp
{
    public static HttpClient CreateClient(KubernetesEnvironment environment, TimeSpan timeout)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            ConnectTimeout = TimeSpan.FromSeconds(15),
        };

        if (environment.CaCertificatePath is { } caPath)
        {
            var authorities = new X509Certificate2Collection();
            authorities.ImportFromPemFile(caPath);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                Validate(certificate, errors, authorities);
        }

        return new HttpClient(handler, disposeHandler: true) { Timeout = timeout };
    }

    private static bool Validate(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection authorities)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        // A name mismatch is never forgiven; an unknown issuer is, when the service-account CA vouches for it.
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return McpTunnel.Pki.CustomRootChain.IsTrusted(leaf, authorities);
    }
}
