using System.Security.Cryptography.X509Certificates;
using McpTunnel.Pki.Inspection;
using McpTunnel.Pki.Pem;

namespace McpTunnel.Pki.Issuing;

/// <summary>
/// A server certificate and its key as PEM text (the key as PKCS#8 "PRIVATE KEY"), ready to write to
/// <c>tls.crt</c> / <c>tls.key</c> or to load into an <c>SslStream</c>.
/// </summary>
internal sealed record IssuedCertificate(string CertificatePem, string PrivateKeyPem)
{
    /// <summary>Parsed from <see cref="CertificatePem"/> on each read, so <c>with</c> copies stay consistent.</summary>
    public DateTimeOffset NotAfter
    {
        get
        {
            using var certificate = PemBundle.ReadFirstCertificate(CertificatePem, "server certificate");
            return CertificateTimes.NotAfter(certificate);
        }
    }

    /// <summary>SHA-256 fingerprint of the certificate (lowercase hex).</summary>
    public string Fingerprint => CertificateFingerprint.Sha256Hex(CertificatePem);

    /// <summary>
    /// The certificate with its private key, usable as an <c>SslStream</c> server certificate. On Windows,
    /// SChannel cannot use the ephemeral key <c>CreateFromPem</c> makes, so the pair goes through PKCS#12.
    /// </summary>
    public X509Certificate2 ToX509Certificate2()
    {
        var certificate = X509Certificate2.CreateFromPem(CertificatePem, PrivateKeyPem);
        if (!OperatingSystem.IsWindows())
        {
            return certificate;
        }

        using (certificate)
        {
            return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
        }
    }
}
