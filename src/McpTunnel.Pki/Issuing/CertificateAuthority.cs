using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;
using McpTunnel.Pki.Inspection;
using McpTunnel.Pki.Pem;

namespace McpTunnel.Pki.Issuing;

/// <summary>
/// The tunnel's private CA: creates or loads the CA and issues the proxy's server
/// certificates with it. Issued certificates carry an AuthorityKeyIdentifier equal to the CA's
/// SubjectKeyIdentifier, because Anthropic matches the server certificate to a registered CA that way.
/// Content problems in loaded PEM surface as <see cref="CryptographicException"/>s whose messages say
/// what is wrong and how to fix it.
/// </summary>
internal sealed class CertificateAuthority : IDisposable
{
    private readonly AsymmetricAlgorithm _key;
    private readonly byte[] _subjectKeyIdentifier;

    private CertificateAuthority(X509Certificate2 certificate, AsymmetricAlgorithm key, byte[] subjectKeyIdentifier)
    {
        Certificate = certificate;
        _key = key;
        _subjectKeyIdentifier = subjectKeyIdentifier;
        CertificatePem = certificate.ExportCertificatePem() + "\n";
        PrivateKeyPem = PrivateKeys.Export(key);
        Fingerprint = CertificateFingerprint.Sha256Hex(certificate);
    }

    /// <summary>The CA certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The CA certificate alone, the PEM registered with the Tunnels API.</summary>
    public string CertificatePem { get; }

    /// <summary>PKCS#8 "PRIVATE KEY" PEM.</summary>
    public string PrivateKeyPem { get; }

    /// <summary>Lowercase hex SHA-256 of the certificate's DER: the Tunnels API's <c>fingerprint</c>.</summary>
    public string Fingerprint { get; }

    public ReadOnlyMemory<byte> SubjectKeyIdentifier => _subjectKeyIdentifier;

    public DateTimeOffset NotAfter => CertificateTimes.NotAfter(Certificate);

    public static CertificateAuthority Create(CertificateAuthorityRequest? request = null)
    {
        request ??= new CertificateAuthorityRequest();
        if (request.Validity <= TimeSpan.Zero)
        {
            throw new ArgumentException("The CA validity must be positive.", nameof(request));
        }

        var key = KeyFactory.Generate(request.KeyAlgorithm);
        try
        {
            var subject = BuildName(request.CommonName);
            var certificateRequest = new CertificateRequest(subject, new PublicKey(key), HashAlgorithmName.SHA256);
            var ski = new X509SubjectKeyIdentifierExtension(certificateRequest.PublicKey, critical: false);
            certificateRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, critical: true));
            certificateRequest.CertificateExtensions.Add(
                new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
            certificateRequest.CertificateExtensions.Add(ski);

            var notBefore = request.NotBefore ?? CertificateTimes.DefaultNotBefore();
            using var unkeyed = certificateRequest.Create(
                subject, new CertificateSignatureGenerator(key), notBefore, notBefore + request.Validity, KeyFactory.NewSerialNumber());
            return new CertificateAuthority(WithKey(unkeyed, key), key, ski.SubjectKeyIdentifierBytes.ToArray());
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Loads an existing CA, e.g. one made with the docs' openssl recipe. Throws
    /// <see cref="CryptographicException"/> when the key does not belong to the certificate or the
    /// certificate cannot issue the server certificates Anthropic accepts.
    /// </summary>
    public static CertificateAuthority FromPem(string certificatePem, string privateKeyPem)
    {
        ArgumentNullException.ThrowIfNull(certificatePem);
        ArgumentNullException.ThrowIfNull(privateKeyPem);
        var certificates = PemBundle.ReadCertificates(certificatePem);
        if (certificates.Count != 1)
        {
            foreach (var extra in certificates)
            {
                extra.Dispose();
            }

            throw new CryptographicException(
                $"The CA certificate PEM must hold exactly one certificate; it holds {certificates.Count}.");
        }

        using var certificate = certificates[0];
        var ski = CaSubjectKeyIdentifier(certificate);
        var key = PrivateKeys.Load(privateKeyPem);
        try
        {
            if (!PrivateKeys.MatchesCertificate(key, certificate))
            {
                throw new CryptographicException(
                    $"The CA private key does not match the CA certificate ({certificate.Subject}, fingerprint " +
                    $"{CertificateFingerprint.Sha256Hex(certificate)}); check that ca.key and ca.crt belong together.");
            }

            return new CertificateAuthority(WithKey(certificate, key), key, ski);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    public static CertificateAuthority Load(string certificatePath, string privateKeyPath) =>
        FromPem(File.ReadAllText(certificatePath), File.ReadAllText(privateKeyPath));

    public IssuedCertificate IssueServerCertificate(ServerCertificateRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ServerCertificateBuilder.Validate(request);
        using var key = request.ExistingPrivateKeyPem is { } existing
            ? PrivateKeys.Load(existing)
            : KeyFactory.Generate(request.KeyAlgorithm);

        var notBefore = request.NotBefore ?? CertificateTimes.DefaultNotBefore();
        var notAfter = notBefore + request.Validity;

        // A leaf that outlives its CA fails validation once the CA expires anyway; stopping at the CA's
        // end keeps renewal working in the CA's last 90 days instead of throwing.
        if (notAfter > NotAfter)
        {
            notAfter = NotAfter;
        }

        var certificateRequest = ServerCertificateBuilder.BuildRequest(request, key, _subjectKeyIdentifier);
        using var certificate = certificateRequest.Create(
            Certificate.SubjectName, new CertificateSignatureGenerator(_key), notBefore, notAfter, KeyFactory.NewSerialNumber());
        return new IssuedCertificate(certificate.ExportCertificatePem() + "\n", PrivateKeys.Export(key));
    }

    public void Dispose()
    {
        Certificate.Dispose();
        _key.Dispose();
    }

    private static X500DistinguishedName BuildName(string commonName)
    {
        var builder = new X500DistinguishedNameBuilder();
        builder.AddCommonName(commonName);
        return builder.Build();
    }

    private static X509Certificate2 WithKey(X509Certificate2 certificate, AsymmetricAlgorithm key) => key switch
    {
        RSA rsa => certificate.CopyWithPrivateKey(rsa),
        ECDsa ecdsa => certificate.CopyWithPrivateKey(ecdsa),
        _ => throw new CryptographicException("The CA key must be RSA or ECDSA."),
    };

    private static byte[] CaSubjectKeyIdentifier(X509Certificate2 certificate)
    {
        var facts = CertificateFacts.Read(certificate);
        if (facts.BasicConstraints is not { CertificateAuthority: true })
        {
            throw new CryptographicException(
                $"The certificate {certificate.Subject} is not a CA (BasicConstraints CA:TRUE missing); " +
                "create the CA with basicConstraints=critical,CA:TRUE.");
        }

        if (facts.SubjectKeyIdentifier is not { Length: > 0 } ski)
        {
            throw new CryptographicException(
                $"The CA certificate {certificate.Subject} has no SubjectKeyIdentifier, so server certificates " +
                "cannot carry a matching AuthorityKeyIdentifier, which the server-certificate rules require; re-create the CA with subjectKeyIdentifier=hash.");
        }

        return ski;
    }
}
