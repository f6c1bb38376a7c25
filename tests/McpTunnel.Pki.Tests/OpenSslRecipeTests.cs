using McpTunnel.Pki.Inspection;
using McpTunnel.Pki.Issuing;
using McpTunnel.Pki.Pem;
using McpTunnel.Pki.Rules;
using McpTunnel.Pki.Tests.Infrastructure;
using McpTunnel.Testing;

namespace McpTunnel.Pki.Tests;

/// <summary>Certificates from the docs' manual openssl recipe are accepted and loadable.</summary>
public class OpenSslRecipeTests
{
    private const string Domain = "abcd1234.tunnel.example.com";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Recipe_CaAndServer_PassEveryRule(bool traditionalKeys)
    {
        using var dir = new TempDirectory();
        var recipe = new OpenSslRecipe(dir);
        recipe.RsaKey("ca.key", traditional: traditionalKeys);
        var caPem = recipe.SelfSignedCa();
        recipe.RsaKey("tls.key", traditional: traditionalKeys);
        var serverPem = recipe.Sign("tls.key", Domain, OpenSslRecipe.ServerExtensions(Domain));

        RuleAssert.AssertPassesAll(CertificateChecker.CheckCa(caPem), RuleAssert.AllCa);
        RuleAssert.AssertPassesAll(CertificateChecker.CheckServer(serverPem, caPem, Domain), RuleAssert.AllServer);
        RuleAssert.AssertPassesAll(CertificateChecker.CheckServer(serverPem, caPem, "echo." + Domain), RuleAssert.AllServer);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Load_OpenSslRsaCa_IssuesCertificatesThatPassAndHandshake(bool traditionalKey)
    {
        using var dir = new TempDirectory();
        var recipe = new OpenSslRecipe(dir);
        var keyFile = recipe.RsaKey("ca.key", traditional: traditionalKey);
        Assert.Contains(traditionalKey ? "BEGIN RSA PRIVATE KEY" : "BEGIN PRIVATE KEY", File.ReadAllText(keyFile), StringComparison.Ordinal);
        var caPem = recipe.SelfSignedCa();

        using var ca = CertificateAuthority.Load(dir.File("ca.crt"), keyFile);
        var issued = ca.IssueServerCertificate(new ServerCertificateRequest(Domain));

        Assert.Equal(CertificateFingerprint.Sha256Hex(caPem), ca.Fingerprint);
        Assert.Equal("1.2.840.113549.1.1.11", PemBundle.ReadFirstCertificate(issued.CertificatePem, "issued").SignatureAlgorithm.Value);
        RuleAssert.AssertPassesAll(CertificateChecker.CheckServer(issued.CertificatePem, caPem, Domain), RuleAssert.AllServer);
        using var serverCertificate = issued.ToX509Certificate2();
        await TlsHandshake.RunAsync(serverCertificate, ca.Certificate, "echo." + Domain);
    }

    [Fact]
    public void Load_OpenSslEcCaWithEcParametersBlock_Loads()
    {
        using var dir = new TempDirectory();
        var recipe = new OpenSslRecipe(dir);
        var keyFile = recipe.EcKey("ca.key");
        Assert.Contains("BEGIN EC PARAMETERS", File.ReadAllText(keyFile), StringComparison.Ordinal);
        var caPem = recipe.SelfSignedCa();

        using var ca = CertificateAuthority.Load(dir.File("ca.crt"), keyFile);

        RuleAssert.AssertPassesAll(CertificateChecker.CheckCa(caPem), RuleAssert.AllCa);
        var issued = ca.IssueServerCertificate(new ServerCertificateRequest(Domain));
        RuleAssert.AssertPassesAll(CertificateChecker.CheckServer(issued.CertificatePem, caPem, Domain), RuleAssert.AllServer);
    }

    [Fact]
    public void Load_OpenSslKeyOfAnotherCa_ThrowsMismatch()
    {
        using var dir = new TempDirectory();
        var recipe = new OpenSslRecipe(dir);
        recipe.RsaKey("ca.key");
        recipe.SelfSignedCa();
        var otherKey = recipe.RsaKey("other.key", traditional: true);

        var ex = Assert.Throws<System.Security.Cryptography.CryptographicException>(() => CertificateAuthority.Load(dir.File("ca.crt"), otherKey));
        Assert.Contains("does not match", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Renewal_OpenSslServerKeyResignedByOurCa_KeepsKeyAndPasses()
    {
        // The docs' manual renewal re-signs the existing tls.key with the existing CA.
        using var dir = new TempDirectory();
        var recipe = new OpenSslRecipe(dir);
        recipe.RsaKey("ca.key");
        var caPem = recipe.SelfSignedCa();
        recipe.RsaKey("tls.key");
        var original = recipe.Sign("tls.key", Domain, OpenSslRecipe.ServerExtensions(Domain));
        using var ca = CertificateAuthority.Load(dir.File("ca.crt"), dir.File("ca.key"));

        var renewed = ca.IssueServerCertificate(new ServerCertificateRequest(Domain) { ExistingPrivateKeyPem = dir.Read("tls.key") });

        using var before = PemBundle.ReadFirstCertificate(original, "original");
        using var after = PemBundle.ReadFirstCertificate(renewed.CertificatePem, "renewed");
        Assert.Equal(before.PublicKey.EncodedKeyValue.RawData, after.PublicKey.EncodedKeyValue.RawData);
        RuleAssert.AssertPassesAll(CertificateChecker.CheckServer(renewed.CertificatePem, caPem, Domain), RuleAssert.AllServer);
    }
}
