using McpTunnel.Pki.Issuing;

namespace McpTunnel.Cli.Certs;

/// <summary><c>mcptunnel certs ca</c>: a new CA the Tunnels API accepts, as <c>ca.crt</c> + <c>ca.key</c> in a directory.</summary>
internal sealed record CertsCaOptions(string OutDirectory)
{
    public KeyAlgorithm KeyAlgorithm { get; init; } = KeyAlgorithm.EcdsaP256;

    public TimeSpan Validity { get; init; } = TimeSpan.FromDays(5 * 365);

    public string CommonName { get; init; } = "mcp-tunnel-ca";

    public bool Force { get; init; }
}

internal static class CertsCaAction
{
    public static int Run(CertsCaOptions options, TextWriter output, TextWriter error)
    {
        var files = CertificateFilePair.In(options.OutDirectory, "ca.crt", "ca.key");
        if (files.RefuseOverwrite(options.Force) is { } refusal)
        {
            error.WriteLine($"certs ca: {refusal}. A new CA must be registered in the Console again; renew the server certificate instead (certs renew).");
            return 1;
        }

        using var ca = CertificateAuthority.Create(new CertificateAuthorityRequest
        {
            CommonName = options.CommonName,
            KeyAlgorithm = options.KeyAlgorithm,
            Validity = options.Validity,
        });

        files.Write(ca.CertificatePem, ca.PrivateKeyPem);
        output.WriteLine($"wrote {files.CertPath} (register this one in the Console: tunnel → Certificates → Add certificate)");
        output.WriteLine($"wrote {files.KeyPath} (mode 0600; keep it secret, it signs server certificates)");
        output.WriteLine($"  key {KeyAlgorithms.ToFlag(options.KeyAlgorithm)}, valid until {ca.NotAfter:yyyy-MM-dd}, sha256 fingerprint {ca.Fingerprint}");
        return 0;
    }
}
