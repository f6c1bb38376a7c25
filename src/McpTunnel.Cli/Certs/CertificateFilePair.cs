namespace McpTunnel.Cli.Certs;

/// <summary>A certificate file and the file of its private key, written together.</summary>
internal sealed record CertificateFilePair(string CertPath, string KeyPath)
{
    public static CertificateFilePair In(string directory, string certFileName, string keyFileName) =>
        new(Path.Combine(directory, certFileName), Path.Combine(directory, keyFileName));

    /// <summary>Null when writing may go ahead; otherwise the error to print.</summary>
    public string? RefuseOverwrite(bool force) => CertificateOutput.RefuseOverwrite(force, CertPath, KeyPath);

    /// <summary>Creates the directory and writes the key first: a certificate without its key is useless, the reverse can be re-signed.</summary>
    public void Write(string certificatePem, string privateKeyPem)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(KeyPath)) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }

        CertificateOutput.WriteKey(KeyPath, privateKeyPem);
        CertificateOutput.WriteCertificate(CertPath, certificatePem);
    }
}
