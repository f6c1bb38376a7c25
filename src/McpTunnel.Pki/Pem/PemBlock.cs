namespace McpTunnel.Pki.Pem;

/// <summary>One <c>-----BEGIN label-----</c> block of a PEM text, decoded.</summary>
internal sealed record PemBlock(string Label, ReadOnlyMemory<byte> Data)
{
    public const string CertificateLabel = "CERTIFICATE";

    public bool IsCertificate => Label == CertificateLabel;

    /// <summary>
    /// "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "OPENSSH PRIVATE KEY", ...
    /// </summary>
    public bool IsPrivateKey => Label.EndsWith("PRIVATE KEY", StringComparison.Ordinal);
}
