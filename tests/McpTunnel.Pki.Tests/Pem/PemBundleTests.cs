using System.Security.Cryptography;
using McpTunnel.Pki.Issuing;
using McpTunnel.Pki.Pem;
using McpTunnel.Pki.Tests.Infrastructure;
using McpTunnel.Testing;

namespace McpTunnel.Pki.Tests.Pem;

public class PemBundleTests
{
    [Fact]
    public void ReadCertificates_ChainWithTextAndGluedBlocks_ReadsAllInOrder()
    {
        using var ca = CertificateAuthority.Create();
        var issued = ca.IssueServerCertificate(new ServerCertificateRequest("d.example"));
        var text = "subject=CN = d.example\n" + issued.CertificatePem.TrimEnd() + ca.CertificatePem.TrimEnd();

        var certificates = PemBundle.ReadCertificates(text);

        Assert.Equal(["CN=d.example", "CN=mcp-tunnel-ca"], certificates.Select(c => c.Subject).ToArray());
    }

    [Fact]
    public void ReadCertificates_CorruptCertificateBlock_ThrowsNamingTheBlock()
    {
        var text = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        var ex = Assert.Throws<CryptographicException>(() => PemBundle.ReadCertificates(text));
        Assert.Contains("certificate block 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ContainsPrivateKey_KeyBlocksAndBrokenKeyBlocks_AreDetected()
    {
        using var ca = CertificateAuthority.Create();
        Assert.False(PemBundle.ContainsPrivateKey(ca.CertificatePem));
        Assert.True(PemBundle.ContainsPrivateKey(ca.PrivateKeyPem));
        Assert.True(PemBundle.ContainsPrivateKey("-----BEGIN EC PRIVATE KEY-----\n!!not base64!!\n-----END EC PRIVATE KEY-----\n"));
    }

    [Theory]
    [InlineData("genrsa", false)]
    [InlineData("genrsa", true)]
    [InlineData("ecparam", false)]
    public void LoadPrivateKey_OpenSslFormats_LoadsMatchingKey(string command, bool traditional)
    {
        using var dir = new TempDirectory();
        var recipe = new OpenSslRecipe(dir);
        var keyFile = command == "genrsa" ? recipe.RsaKey("k.pem", traditional: traditional) : recipe.EcKey("k.pem");
        var opensslPublic = OpenSsl.Run(dir.Path, "pkey", "-in", "k.pem", "-pubout");

        using var key = PrivateKeys.Load(File.ReadAllText(keyFile));

        Assert.Equal(opensslPublic.Trim(), PemEncoding.WriteString("PUBLIC KEY", key.ExportSubjectPublicKeyInfo()));
        Assert.IsAssignableFrom(command == "genrsa" ? typeof(RSA) : typeof(ECDsa), key);
    }

    [Fact]
    public void LoadPrivateKey_Pkcs8EcFromOpenSsl_Loads()
    {
        using var dir = new TempDirectory();
        OpenSsl.Run(dir.Path, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "k.pem");
        using var key = PrivateKeys.Load(dir.Read("k.pem"));
        Assert.IsAssignableFrom<ECDsa>(key);
    }

    [Fact]
    public void LoadPrivateKey_Encrypted_ThrowsWithHowToDecrypt()
    {
        using var dir = new TempDirectory();
        OpenSsl.Run(dir.Path, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes256", "-pass", "pass:x", "-out", "k.pem");
        var ex = Assert.Throws<CryptographicException>(() => PrivateKeys.Load(dir.Read("k.pem")));
        Assert.Contains("encrypted", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadPrivateKey_Ed25519_ThrowsUnsupported()
    {
        using var dir = new TempDirectory();
        OpenSsl.Run(dir.Path, "genpkey", "-algorithm", "ED25519", "-out", "k.pem");
        var ex = Assert.Throws<CryptographicException>(() => PrivateKeys.Load(dir.Read("k.pem")));
        Assert.Contains("Unsupported private key algorithm", ex.Message, StringComparison.Ordinal);
    }
}
