using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;
using McpTunnel.Pki.Pem;

namespace McpTunnel.Pki.Inspection;

/// <summary>
/// The lowercase hex SHA-256 of a certificate's DER, the same value the Tunnels API
/// returns as <c>fingerprint</c>.
/// </summary>
internal static class CertificateFingerprint
{
    public static string Sha256Hex(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Convert.ToHexStringLower(SHA256.HashData(certificate.RawData));
    }

    /// <summary>Fingerprint of the first certificate in a PEM text.</summary>
    public static string Sha256Hex(string certificatePem)
    {
        using var certificate = PemBundle.ReadFirstCertificate(certificatePem, "certificate");
        return Sha256Hex(certificate);
    }
}
