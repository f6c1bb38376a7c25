using System.Security.Cryptography;
using McpTunnel.Cli.Terminal;
using McpTunnel.Pki.Issuing;

namespace McpTunnel.Cli.Certs;

/// <summary><c>mcptunnel certs server</c>: a server certificate for <c>*.&lt;domain&gt;</c> from an existing CA (ours or openssl's).</summary>
internal sealed record CertsServerOptions(string CaCertPath, string CaKeyPath, string Domain, string OutDirectory)
{
    public KeyAlgorithm KeyAlgorithm { get; init; } = KeyAlgorithm.EcdsaP256;

    public TimeSpan Validity { get; init; } = TimeSpan.FromHours(2160);

    public bool Force { get; init; }

    /// <summary>Make tls.key readable by the proxy's UID 65532 (chown as root, else 0644).</summary>
    public bool ProxyReadable { get; init; }
}

internal static class CertsServerAction
{
    public static int Run(CertsServerOptions options, TextWriter output, TextWriter error)
    {
        var files = CertificateFilePair.In(options.OutDirectory, "tls.crt", "tls.key");
        if (files.RefuseOverwrite(options.Force) is { } refusal)
        {
            error.WriteLine($"certs server: {refusal}. To extend the existing certificate keep its key: certs renew.");
            return 1;
        }

        IssuedCertificate issued;
        try
        {
            using var ca = CertificateAuthority.Load(options.CaCertPath, options.CaKeyPath);
            issued = ca.IssueServerCertificate(new ServerCertificateRequest(options.Domain)
            {
                KeyAlgorithm = options.KeyAlgorithm,
                Validity = options.Validity,
            });
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            error.WriteLine($"certs server: {ex.Message}");
            return 1;
        }

        files.Write(issued.CertificatePem, issued.PrivateKeyPem);
        output.WriteLine($"wrote {files.CertPath} (SAN *.{options.Domain}, {options.Domain}; valid until {issued.NotAfter:yyyy-MM-dd})");
        output.WriteLine($"wrote {files.KeyPath} ({KeyAlgorithms.ToFlag(options.KeyAlgorithm)})");
        if (options.ProxyReadable)
        {
            output.WriteLine("  " + ProxyKeyAccess.Apply(files.KeyPath, ProxyKeyAccess.RunningAsRoot));
        }

        return 0;
    }
}
