using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;
using McpTunnel.Pki.Inspection;
using McpTunnel.Pki.Issuing;
using McpTunnel.Pki.Tests.Infrastructure;
using McpTunnel.Testing;

namespace McpTunnel.Pki.Tests.Issuing;

public class ServerCertificateTests
{
    private const string Domain = "abcd1234.tunnel.example.com";

    [Fact]
    public void Issue_Defaults_HasSpecExtensions()
    {
        using var ca = CertificateAuthority.Create();
        var before = DateTimeOffset.UtcNow;

        var issued = ca.IssueServerCertificate(new ServerCertificateRequest(Domain));
        using var cert = X509Certificate2.CreateFromPem(issued.CertificatePem);

        Assert.Equal($"CN={Domain}", cert.Subject);
        Assert.Equal(ca.Certificate.Subject, cert.Issuer);
        var san = Assert.Single(cert.Extensions.OfType<X509SubjectAlternativeNameExtension>());
        Assert.Equal([$"*.{Domain}", Domain], san.EnumerateDnsNames().ToArray());
        var aki = Assert.Single(cert.Extensions.OfType<X509AuthorityKeyIdentifierExtension>());
        Assert.Equal(ca.SubjectKeyIdentifier.ToArray(), aki.KeyIdentifier?.ToArray());
        Assert.Null(aki.NamedIssuer); // key-identifier form only, like openssl authorityKeyIdentifier=keyid
        var eku = Assert.Single(cert.Extensions.OfType<X509EnhancedKeyUsageExtension>());
        Assert.Equal("1.3.6.1.5.5.7.3.1", Assert.Single(eku.EnhancedKeyUsages.Cast<Oid>()).Value);
        var basic = Assert.Single(cert.Extensions.OfType<X509BasicConstraintsExtension>());
        Assert.False(basic.CertificateAuthority);
        Assert.Equal(X509KeyUsageFlags.DigitalSignature, Assert.Single(cert.Extensions.OfType<X509KeyUsageExtension>()).KeyUsages);
        Assert.Equal("1.2.840.10045.4.3.2", cert.SignatureAlgorithm.Value);
        using (var key = cert.GetECDsaPublicKey())
        {
            Assert.Equal(256, key!.KeySize);
        }

        Assert.Equal(TimeSpan.FromDays(90), CertificateTimes.NotAfter(cert) - CertificateTimes.NotBefore(cert));
        Assert.InRange(CertificateTimes.NotBefore(cert), before.AddMinutes(-6), before.AddMinutes(-4));
        Assert.Equal(CertificateTimes.NotAfter(cert), issued.NotAfter);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", issued.PrivateKeyPem, StringComparison.Ordinal);
    }

    [Fact]
    public void Issue_RsaKey_AddsKeyEncipherment()
    {
        using var ca = CertificateAuthority.Create();
        var issued = ca.IssueServerCertificate(new ServerCertificateRequest(Domain) { KeyAlgorithm = KeyAlgorithm.Rsa2048 });
        using var cert = X509Certificate2.CreateFromPem(issued.CertificatePem);

        Assert.Equal(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment,
            Assert.Single(cert.Extensions.OfType<X509KeyUsageExtension>()).KeyUsages);
        Assert.Equal(2048, cert.GetRSAPublicKey()!.KeySize);
        Assert.Equal("1.2.840.10045.4.3.2", cert.SignatureAlgorithm.Value); // signed by the ECDSA CA
    }

    [Fact]
    public void Issue_ExistingPrivateKey_KeepsPublicKey()
    {
        using var ca = CertificateAuthority.Create();
        var first = ca.IssueServerCertificate(new ServerCertificateRequest(Domain));

        var renewed = ca.IssueServerCertificate(new ServerCertificateRequest(Domain) { ExistingPrivateKeyPem = first.PrivateKeyPem });

        using var a = X509Certificate2.CreateFromPem(first.CertificatePem);
        using var b = X509Certificate2.CreateFromPem(renewed.CertificatePem);
        Assert.Equal(a.PublicKey.EncodedKeyValue.RawData, b.PublicKey.EncodedKeyValue.RawData);
        Assert.NotEqual(a.SerialNumber, b.SerialNumber);
        Assert.Equal(first.PrivateKeyPem, renewed.PrivateKeyPem);
    }

    [Fact]
    public void Issue_ExistingTraditionalRsaKeyFromOpenSsl_KeepsPublicKey()
    {
        using var dir = new TempDirectory();
        var keyFile = new OpenSslRecipe(dir).RsaKey("tls.key", traditional: true);
        var keyPem = File.ReadAllText(keyFile);
        Assert.Contains("-----BEGIN RSA PRIVATE KEY-----", keyPem, StringComparison.Ordinal);
        var opensslPublic = OpenSsl.Run(dir.Path, "rsa", "-in", "tls.key", "-pubout");
        using var ca = CertificateAuthority.Create();

        var issued = ca.IssueServerCertificate(new ServerCertificateRequest(Domain) { ExistingPrivateKeyPem = keyPem });

        using var cert = X509Certificate2.CreateFromPem(issued.CertificatePem);
        Assert.Equal(opensslPublic.Trim(), PemEncoding.WriteString("PUBLIC KEY", cert.PublicKey.ExportSubjectPublicKeyInfo()).Trim());
    }

    [Fact]
    public void Issue_ValidityBeyondCa_EndsWithCa()
    {
        using var ca = CertificateAuthority.Create(new CertificateAuthorityRequest { Validity = TimeSpan.FromDays(30) });

        var issued = ca.IssueServerCertificate(new ServerCertificateRequest(Domain));

        Assert.Equal(ca.NotAfter, issued.NotAfter);
    }

    [Fact]
    public void Issue_CustomDnsNames_UsesThem()
    {
        using var ca = CertificateAuthority.Create();
        var issued = ca.IssueServerCertificate(new ServerCertificateRequest(Domain) { DnsNames = ["echo." + Domain] });
        using var cert = X509Certificate2.CreateFromPem(issued.CertificatePem);
        Assert.Equal(["echo." + Domain], Assert.Single(cert.Extensions.OfType<X509SubjectAlternativeNameExtension>()).EnumerateDnsNames().ToArray());
    }

    [Theory]
    [InlineData("")]
    [InlineData("*.example.com")]
    public void Issue_BadDomain_Throws(string domain)
    {
        using var ca = CertificateAuthority.Create();
        Assert.Throws<ArgumentException>(() => ca.IssueServerCertificate(new ServerCertificateRequest(domain)));
    }

    [Fact]
    public void Issue_KnobsOff_OmitExtensionsAndUseRequestedHash()
    {
        using var ca = CertificateAuthority.Create();
        var issued = ca.IssueServerCertificate(new ServerCertificateRequest(Domain)
        {
            IncludeAuthorityKeyIdentifier = false,
            IncludeServerAuthEku = false,
            HashAlgorithm = HashAlgorithmName.SHA384,
        });
        using var cert = X509Certificate2.CreateFromPem(issued.CertificatePem);

        Assert.Empty(cert.Extensions.OfType<X509AuthorityKeyIdentifierExtension>());
        Assert.Empty(cert.Extensions.OfType<X509EnhancedKeyUsageExtension>());
        Assert.Equal("1.2.840.10045.4.3.3", cert.SignatureAlgorithm.Value); // ecdsa-with-SHA384
    }

    [Fact]
    public void Issue_VerifiedByOpenSsl_AsSslServerCertificate()
    {
        using var ca = CertificateAuthority.Create();
        var issued = ca.IssueServerCertificate(new ServerCertificateRequest(Domain) { KeyAlgorithm = KeyAlgorithm.Rsa2048 });
        using var dir = new TempDirectory();
        dir.Write("ca.crt", ca.CertificatePem);
        dir.Write("tls.crt", issued.CertificatePem);

        var output = OpenSsl.Run(dir.Path, "verify", "-CAfile", "ca.crt", "-purpose", "sslserver", "-verify_hostname", "echo." + Domain, "tls.crt");

        Assert.Contains("tls.crt: OK", output, StringComparison.Ordinal);
    }
}
