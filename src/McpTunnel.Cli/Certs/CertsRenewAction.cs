using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;
using McpTunnel.Pki.Issuing;
using McpTunnel.Pki.Pem;

namespace McpTunnel.Cli.Certs;

/// <summary>
/// <c>mcptunnel certs renew</c>, the docs' manual renewal: re-sign the existing <c>tls.key</c> with the same CA
/// and replace <c>tls.crt</c> atomically; the CA (registered in the Console) and the key stay as they are,
/// and the running proxy picks the new certificate up by polling.
/// </summary>
internal sealed record CertsRenewOptions(string CaCertPath, string CaKeyPath, string CertPath, string KeyPath)
{
    /// <summary>Null keeps the names of the current certificate.</summary>
    public string? Domain { get; init; }

    public TimeSpan Validity { get; init; } = TimeSpan.FromHours(2160);
}

internal static class CertsRenewAction
{
    public static int Run(CertsRenewOptions options, TextWriter output, TextWriter error)
    {
        try
        {
            var keyPem = File.ReadAllText(options.KeyPath);
            var request = BuildRequest(options, keyPem);
            using var ca = CertificateAuthority.Load(options.CaCertPath, options.CaKeyPath);
            var issued = ca.IssueServerCertificate(request);
            CertificateOutput.WriteCertificate(options.CertPath, issued.CertificatePem);
            output.WriteLine($"renewed {options.CertPath}: same key ({options.KeyPath} untouched), same CA, SAN {string.Join(", ", request.EffectiveDnsNames)}, valid until {issued.NotAfter:yyyy-MM-dd}");
            output.WriteLine("  the proxy reloads tls.crt by polling; no restart needed");
            return 0;
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            error.WriteLine($"certs renew: {ex.Message}");
            return 1;
        }
    }

    private static ServerCertificateRequest BuildRequest(CertsRenewOptions options, string keyPem)
    {
        if (options.Domain is { } domain)
        {
            return new ServerCertificateRequest(domain) { ExistingPrivateKeyPem = keyPem, Validity = options.Validity };
        }

        if (!File.Exists(options.CertPath))
        {
            throw new ArgumentException($"{options.CertPath} does not exist, so its names cannot be kept; pass --domain.");
        }

        using var current = PemBundle.ReadFirstCertificate(File.ReadAllText(options.CertPath), "server certificate");
        var names = current.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames()).ToList();
        var commonName = current.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        var fromSan = names.FirstOrDefault(n => n.StartsWith("*.", StringComparison.Ordinal))?[2..] ?? names.FirstOrDefault();
        var derived = !string.IsNullOrEmpty(commonName) && !commonName.Contains('*', StringComparison.Ordinal) ? commonName : fromSan;
        if (string.IsNullOrEmpty(derived) || names.Count == 0)
        {
            throw new ArgumentException($"{options.CertPath} has no SAN DNS names to keep; pass --domain.");
        }

        return new ServerCertificateRequest(derived)
        {
            ExistingPrivateKeyPem = keyPem,
            Validity = options.Validity,
            DnsNames = names,
        };
    }
}
