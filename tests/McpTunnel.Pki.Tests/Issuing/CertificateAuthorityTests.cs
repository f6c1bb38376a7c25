using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;
using McpTunnel.Pki.Inspection;
using McpTunnel.Pki.Issuing;
using McpTunnel.Pki.Pem;
using McpTunnel.Pki.Rules;
using McpTunnel.Pki.Tests.Infrastructure;
using McpTunnel.Testing;

namespace McpTunnel.Pki.Tests.Issuing;

public class CertificateAuthorityTests
{
    [Fact]
    public void Create_Defaults_IsSpecCa()
    {
        var before = DateTimeOffset.UtcNow;
        using var ca = CertificateAuthority.Create();
        var cert = ca.Certificate;

        Assert.Equal("CN=mcp-tunnel-ca", cert.Subject);
        Assert.Equal(cert.Subject, cert.Issuer);
        Assert.True(cert.HasPrivateKey);
        using (var key = cert.GetECDsaPublicKey())
        {
            Assert.NotNull(key);
            Assert.Equal(256, key.KeySize);
        }

        Assert.Equal("1.2.840.10045.4.3.2", cert.SignatureAlgorithm.Value); // ecdsa-with-SHA256
        var basic = Assert.Single(cert.Extensions.OfType<X509BasicConstraintsExtension>());
        Assert.True(basic.CertificateAuthority);
        Assert.True(basic.Critical);
        var usage = Assert.Single(cert.Extensions.OfType<X509KeyUsageExtension>());
        Assert.Equal(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, usage.KeyUsages);
        Assert.True(usage.Critical);
        var ski = Assert.Single(cert.Extensions.OfType<X509SubjectKeyIdentifierExtension>());
        Assert.Equal(ski.SubjectKeyIdentifierBytes.ToArray(), ca.SubjectKeyIdentifier.ToArray());

        var notBefore = CertificateTimes.NotBefore(cert);
        Assert.InRange(notBefore, before.AddMinutes(-6), before.AddMinutes(-4));
        Assert.Equal(TimeSpan.FromDays(5 * 365), CertificateTimes.NotAfter(cert) - notBefore);

        var serial = cert.SerialNumberBytes.ToArray(); // big-endian
        Assert.Equal(16, serial.Length);
        Assert.Equal(0x40, serial[0] & 0xC0); // positive, full length
    }

    [Fact]
    public void Create_Twice_UsesDifferentSerialsAndKeys()
    {
        using var a = CertificateAuthority.Create();
        using var b = CertificateAuthority.Create();
        Assert.NotEqual(a.Certificate.SerialNumber, b.Certificate.SerialNumber);
        Assert.NotEqual(a.SubjectKeyIdentifier.ToArray(), b.SubjectKeyIdentifier.ToArray());
        Assert.NotEqual(a.Fingerprint, b.Fingerprint);
    }

    [Fact]
    public void Create_RsaWithOptions_HonoursRequest()
    {
        var notBefore = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var ca = CertificateAuthority.Create(new CertificateAuthorityRequest
        {
            CommonName = "my ca",
            KeyAlgorithm = KeyAlgorithm.Rsa2048,
            Validity = TimeSpan.FromDays(10),
            NotBefore = notBefore,
        });

        Assert.Equal("CN=my ca", ca.Certificate.Subject);
        Assert.Equal("1.2.840.113549.1.1.11", ca.Certificate.SignatureAlgorithm.Value); // sha256WithRSAEncryption
        Assert.Equal(notBefore, CertificateTimes.NotBefore(ca.Certificate));
        Assert.Equal(notBefore.AddDays(10), ca.NotAfter);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", ca.PrivateKeyPem, StringComparison.Ordinal);
    }

    [Fact]
    public void Fingerprint_IsLowercaseSha256OfDer_AsOpenSslComputesIt()
    {
        using var ca = CertificateAuthority.Create();
        using var dir = new TempDirectory();
        dir.Write("ca.crt", ca.CertificatePem);

        var openssl = OpenSsl.Run(dir.Path, "x509", "-in", "ca.crt", "-noout", "-fingerprint", "-sha256");

        Assert.Matches("^[0-9a-f]{64}$", ca.Fingerprint);
        Assert.Equal(openssl.Split('=')[1].Trim().Replace(":", "", StringComparison.Ordinal).ToLowerInvariant(), ca.Fingerprint);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(ca.Certificate.RawData)), ca.Fingerprint);
    }

    [Fact]
    public void CertificatePem_IsTheCaCertificateAlone()
    {
        using var ca = CertificateAuthority.Create();
        var blocks = PemBundle.ReadBlocks(ca.CertificatePem);
        var block = Assert.Single(blocks);
        Assert.True(block.IsCertificate);
        Assert.Equal(ca.Certificate.RawData, block.Data.ToArray());
    }

    [Fact]
    public void FromPem_RoundTrip_KeepsCertificateAndCanIssue()
    {
        using var original = CertificateAuthority.Create();
        using var loaded = CertificateAuthority.FromPem(original.CertificatePem, original.PrivateKeyPem);

        Assert.Equal(original.Fingerprint, loaded.Fingerprint);
        Assert.True(loaded.Certificate.HasPrivateKey);
        var issued = loaded.IssueServerCertificate(new ServerCertificateRequest("abcd1234.tunnel.example.com"));
        RuleAssert.AssertPassesAll(
            CertificateChecker.CheckServer(issued.CertificatePem, original.CertificatePem, "abcd1234.tunnel.example.com"), RuleAssert.AllServer);
    }

    [Fact]
    public void FromPem_MismatchedKey_ThrowsClearMessage()
    {
        using var ca = CertificateAuthority.Create();
        using var other = CertificateAuthority.Create();

        var ex = Assert.Throws<CryptographicException>(() => CertificateAuthority.FromPem(ca.CertificatePem, other.PrivateKeyPem));

        Assert.Contains("private key does not match the CA certificate", ex.Message, StringComparison.Ordinal);
        Assert.Contains(ca.Fingerprint, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromPem_ServerCertificate_ThrowsNotACa()
    {
        using var ca = CertificateAuthority.Create();
        var issued = ca.IssueServerCertificate(new ServerCertificateRequest("d.example"));

        var ex = Assert.Throws<CryptographicException>(() => CertificateAuthority.FromPem(issued.CertificatePem, issued.PrivateKeyPem));

        Assert.Contains("is not a CA", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromPem_TwoCertificates_Throws()
    {
        using var ca = CertificateAuthority.Create();
        var ex = Assert.Throws<CryptographicException>(
            () => CertificateAuthority.FromPem(ca.CertificatePem + ca.CertificatePem, ca.PrivateKeyPem));
        Assert.Contains("exactly one certificate", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromPem_NoKeyBlock_Throws()
    {
        using var ca = CertificateAuthority.Create();
        var ex = Assert.Throws<CryptographicException>(() => CertificateAuthority.FromPem(ca.CertificatePem, ca.CertificatePem));
        Assert.Contains("no \"-----BEGIN ... PRIVATE KEY-----\" block", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FilesWrittenByCreate_LoadsSameCa()
    {
        using var ca = CertificateAuthority.Create();
        using var dir = new TempDirectory();
        var cert = dir.Write("ca.crt", ca.CertificatePem);
        var key = dir.Write("ca.key", ca.PrivateKeyPem);

        using var loaded = CertificateAuthority.Load(cert, key);

        Assert.Equal(ca.Fingerprint, loaded.Fingerprint);
    }
}
