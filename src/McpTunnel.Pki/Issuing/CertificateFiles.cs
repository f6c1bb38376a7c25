using McpTunnel.Common;

namespace McpTunnel.Pki.Issuing;

/// <summary>A server certificate and its key, written as PEM files the proxy's <c>tls.cert_file</c>/<c>tls.key_file</c> read.</summary>
internal sealed record ServerCertificateFiles(string CertFile, string KeyFile);

/// <summary>
/// A throwaway CA's certificates into a directory, for everything that stands up a tunnel on loopback (the demo, the
/// benchmark): the server certificate and key readable by their owner only, the CA certificate (public) by anyone;
/// each file written atomically, so a proxy polling the directory never reads half of one.
/// </summary>
internal static class CertificateFiles
{
    private const UnixFileMode Public = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>Issues a server certificate for <paramref name="domain"/> (and its subdomains) and writes <c>STEM.crt</c> and <c>STEM.key</c>.</summary>
    public static ServerCertificateFiles WriteServerCertificate(this CertificateAuthority ca, string directory, string domain, KeyAlgorithm algorithm = KeyAlgorithm.EcdsaP256, string stem = "tls")
    {
        var server = ca.IssueServerCertificate(new ServerCertificateRequest(domain) { KeyAlgorithm = algorithm });
        var files = new ServerCertificateFiles(Path.Combine(directory, stem + ".crt"), Path.Combine(directory, stem + ".key"));
        AtomicFile.WriteAllText(files.CertFile, server.CertificatePem);
        AtomicFile.WriteAllText(files.KeyFile, server.PrivateKeyPem);
        return files;
    }

    /// <summary>Writes the CA certificate (what a client trusts) to <paramref name="path"/>, world-readable.</summary>
    public static string WriteCertificate(this CertificateAuthority ca, string path)
    {
        AtomicFile.WriteAllText(path, ca.CertificatePem, Public);
        return path;
    }
}
