using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;
using McpTunnel.Pki.Inspection;
using McpTunnel.Pki.Issuing;
using McpTunnel.Pki.Rules;
using McpTunnel.Pki.Tests.Infrastructure;
using McpTunnel.Testing;

namespace McpTunnel.Pki.Tests.Rules;

/// <summary>Anthropic's server-certificate rules (checked in inner TLS): each broken server certificate fails the rule it breaks, and only sensible others.</summary>
public class ServerCheckerTests
{
    private const string Domain = "abc.tunnel.example.com";

    [Fact]
    public void Generated_EcdsaServer_PassesEveryRule()
    {
        using var ca = CertificateAuthority.Create();
        var issued = ca.IssueServerCertificate(new ServerCertificateRequest(Domain));
        var report = CertificateChecker.CheckServer(issued.CertificatePem, ca.CertificatePem, Domain);
        RuleAssert.AssertPassesAll(report, RuleAssert.AllServer);
        Assert.All(report.Results, r => Assert.StartsWith("Inner TLS:", r.Description, StringComparison.Ordinal));
        Assert.Equal($"SAN *.{Domain} covers every route of {Domain}", RuleAssert.Detail(report, "server.san"));
    }

    [Fact]
    public void SanForAnotherDomain_FailsSan()
    {
        using var ca = CertificateAuthority.Create();
        var issued = ca.IssueServerCertificate(new ServerCertificateRequest("other.example"));

        var forHost = CertificateChecker.CheckServer(issued.CertificatePem, ca.CertificatePem, "echo." + Domain);
        var forDomain = CertificateChecker.CheckServer(issued.CertificatePem, ca.CertificatePem, Domain, ServerNameKind.TunnelDomain);

        RuleAssert.AssertFails(forHost, "server.san");
        RuleAssert.AssertFails(forDomain, "server.san");
        Assert.Contains($"SAN *.other.example, other.example does not cover echo.{Domain}", RuleAssert.Detail(forHost, "server.san"), StringComparison.Ordinal);
        Assert.Contains("*.<tunnel-domain>", forHost.Find("server.san")!.Fix, StringComparison.Ordinal);
        Assert.Contains("Re-issue", forHost.Find("server.san")!.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void BareDomainSanOnly_FailsForTunnelDomainButPassesForThatHost()
    {
        using var ca = CertificateAuthority.Create();
        var issued = ca.IssueServerCertificate(new ServerCertificateRequest(Domain) { DnsNames = [Domain] });

        RuleAssert.AssertFails(CertificateChecker.CheckServer(issued.CertificatePem, ca.CertificatePem, Domain), "server.san");
        RuleAssert.AssertPassesAll(CertificateChecker.CheckServer(issued.CertificatePem, ca.CertificatePem, Domain, ServerNameKind.Host), RuleAssert.AllServer);
    }

    [Fact]
    public void ExactRouteSan_PassesForThatHostOnly()
    {
        using var ca = CertificateAuthority.Create();
        var issued = ca.IssueServerCertificate(new ServerCertificateRequest(Domain) { DnsNames = ["echo." + Domain] });

        RuleAssert.AssertPassesAll(CertificateChecker.CheckServer(issued.CertificatePem, ca.CertificatePem, "echo." + Domain, ServerNameKind.Host), RuleAssert.AllServer);
        RuleAssert.AssertFails(CertificateChecker.CheckServer(issued.CertificatePem, ca.CertificatePem, "other." + Domain, ServerNameKind.Host), "server.san");
        RuleAssert.AssertFails(CertificateChecker.CheckServer(issued.CertificatePem, ca.CertificatePem, Domain, ServerNameKind.TunnelDomain), "server.san");
    }

    [Fact]
    public void WildcardOfParent_DoesNotCoverTwoLabelsDeep()
    {
        using var ca = CertificateAuthority.Create();
        var issued = ca.IssueServerCertificate(new ServerCertificateRequest(Domain));
        RuleAssert.AssertFails(CertificateChecker.CheckServer(issued.CertificatePem, ca.CertificatePem, "a.echo." + Domain), "server.san");
    }

    [Fact]
    public void NoSan_FailsSan()
    {
        using var dir = new TempDirectory();
        var recipe = new OpenSslRecipe(dir);
        recipe.RsaKey("ca.key");
        var caPem = recipe.SelfSignedCa();
        recipe.RsaKey("tls.key");
        var serverPem = recipe.Sign("tls.key", Domain, "authorityKeyIdentifier = keyid,issuer\nextendedKeyUsage = serverAuth");

        var report = CertificateChecker.CheckServer(serverPem, caPem, Domain);

        RuleAssert.AssertFails(report, "server.san");
        Assert.Contains("common name alone is ignored", RuleAssert.Detail(report, "server.san"), StringComparison.Ordinal);
    }

    [Fact]
    public void NoAuthorityKeyIdentifier_FailsAki()
    {
        using var ca = CertificateAuthority.Create();
        var issued = ca.IssueServerCertificate(new ServerCertificateRequest(Domain) { IncludeAuthorityKeyIdentifier = false });
        var report = CertificateChecker.CheckServer(issued.CertificatePem, ca.CertificatePem, Domain);
        RuleAssert.AssertFails(report, "server.aki-matches-ski");
        Assert.Equal("no AuthorityKeyIdentifier extension", RuleAssert.Detail(report, "server.aki-matches-ski"));
    }

    [Fact]
    public void AuthorityKeyIdentifierOfAnotherKey_FailsAkiOnly()
    {
        using var ca = CertificateAuthority.Create();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={Domain}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("*." + Domain);
        request.CertificateExtensions.Add(san.Build());
        var wrongKeyId = RandomNumberGenerator.GetBytes(20);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(wrongKeyId));
        using var leaf = request.Create(ca.Certificate, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30), [1, 2, 3]);

        var report = CertificateChecker.CheckServer(leaf.ExportCertificatePem(), ca.CertificatePem, Domain);

        RuleAssert.AssertFails(report, "server.aki-matches-ski");
        Assert.Contains("does not match the CA's SubjectKeyIdentifier " + Hex.Colon(ca.SubjectKeyIdentifier.Span), RuleAssert.Detail(report, "server.aki-matches-ski"), StringComparison.Ordinal);
    }

    [Fact]
    public void SignedByAnotherCa_FailsSignatureAndAki()
    {
        using var ca = CertificateAuthority.Create();
        using var other = CertificateAuthority.Create(new CertificateAuthorityRequest { CommonName = "other-ca" });
        var issued = other.IssueServerCertificate(new ServerCertificateRequest(Domain));
        var report = CertificateChecker.CheckServer(issued.CertificatePem, ca.CertificatePem, Domain);
        RuleAssert.AssertFails(report, "server.signed-by-ca", "server.aki-matches-ski");
        Assert.Contains("issued by CN=other-ca", RuleAssert.Detail(report, "server.signed-by-ca"), StringComparison.Ordinal);
    }

    [Fact]
    public void SameNameDifferentCaKey_FailsSignature()
    {
        using var ca = CertificateAuthority.Create();
        using var impostor = CertificateAuthority.Create();
        var issued = impostor.IssueServerCertificate(new ServerCertificateRequest(Domain));
        RuleAssert.AssertFails(CertificateChecker.CheckServer(issued.CertificatePem, ca.CertificatePem, Domain), "server.signed-by-ca", "server.aki-matches-ski");
    }

    [Fact]
    public void Expired_FailsValidity()
    {
        using var ca = CertificateAuthority.Create(new CertificateAuthorityRequest { NotBefore = DateTimeOffset.UtcNow.AddDays(-400) });
        var issued = ca.IssueServerCertificate(new ServerCertificateRequest(Domain)
        {
            NotBefore = DateTimeOffset.UtcNow.AddDays(-100),
            Validity = TimeSpan.FromDays(90),
        });
        var report = CertificateChecker.CheckServer(issued.CertificatePem, ca.CertificatePem, Domain);
        RuleAssert.AssertFails(report, "server.validity");
        Assert.Contains("days ago", RuleAssert.Detail(report, "server.validity"), StringComparison.Ordinal);
        Assert.Contains("renew-cert", report.Find("server.validity")!.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void NotYetValid_FailsValidity()
    {
        using var ca = CertificateAuthority.Create();
        var issued = ca.IssueServerCertificate(new ServerCertificateRequest(Domain) { NotBefore = DateTimeOffset.UtcNow.AddHours(5) });
        var report = CertificateChecker.CheckServer(issued.CertificatePem, ca.CertificatePem, Domain);
        RuleAssert.AssertFails(report, "server.validity");
        Assert.Contains("hours from now", RuleAssert.Detail(report, "server.validity"), StringComparison.Ordinal);
    }

    [Fact]
    public void Rsa1024Key_FailsKeyStrength()
    {
        using var dir = new TempDirectory();
        var weakKey = File.ReadAllText(new OpenSslRecipe(dir).RsaKey("tls.key", bits: 1024));
        using var ca = CertificateAuthority.Create();
        var issued = ca.IssueServerCertificate(new ServerCertificateRequest(Domain) { ExistingPrivateKeyPem = weakKey });

        var report = CertificateChecker.CheckServer(issued.CertificatePem, ca.CertificatePem, Domain);

        RuleAssert.AssertFails(report, "server.key-strength");
        Assert.Contains("RSA 1024 bits", RuleAssert.Detail(report, "server.key-strength"), StringComparison.Ordinal);
        Assert.Contains("RSA of 2048 bits or more, or ECDSA P-256", report.Find("server.key-strength")!.Fix, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(KeyAlgorithm.EcdsaP256, "ECDSA with SHA-1")]
    [InlineData(KeyAlgorithm.Rsa2048, "RSA with SHA-1")]
    internal void Sha1Signature_FailsSignatureHash(KeyAlgorithm caKey, string expected)
    {
        using var ca = CertificateAuthority.Create(new CertificateAuthorityRequest { KeyAlgorithm = caKey });
        var issued = ca.IssueServerCertificate(new ServerCertificateRequest(Domain) { HashAlgorithm = HashAlgorithmName.SHA1 });

        var report = CertificateChecker.CheckServer(issued.CertificatePem, ca.CertificatePem, Domain);

        RuleAssert.AssertFails(report, "server.signature-hash");
        Assert.Contains(expected, RuleAssert.Detail(report, "server.signature-hash"), StringComparison.Ordinal);
    }

    [Fact]
    public void Md5Signature_FailsSignatureHash()
    {
        using var ca = CertificateAuthority.Create(new CertificateAuthorityRequest { KeyAlgorithm = KeyAlgorithm.Rsa2048 });
        var issued = ca.IssueServerCertificate(new ServerCertificateRequest(Domain) { HashAlgorithm = HashAlgorithmName.MD5 });
        var report = CertificateChecker.CheckServer(issued.CertificatePem, ca.CertificatePem, Domain);
        Assert.False(report.Find("server.signature-hash")!.Passed);
        Assert.Contains("MD5", RuleAssert.Detail(report, "server.signature-hash"), StringComparison.Ordinal);
    }

    [Fact]
    public void OpenSsl_IntermediateInBetween_FailsNoIntermediate()
    {
        using var dir = new TempDirectory();
        var recipe = new OpenSslRecipe(dir);
        recipe.RsaKey("ca.key");
        var caPem = recipe.SelfSignedCa();
        recipe.RsaKey("int.key");
        var intermediatePem = recipe.Sign("int.key", "intermediate", OpenSslRecipe.CaExtensions + "\nauthorityKeyIdentifier = keyid,issuer", certFile: "int.crt");
        recipe.RsaKey("tls.key");
        var leafPem = recipe.Sign("tls.key", Domain, OpenSslRecipe.ServerExtensions(Domain), caCert: "int.crt", caKey: "int.key");

        var report = CertificateChecker.CheckServer(leafPem + intermediatePem, caPem, Domain);

        RuleAssert.AssertFails(report, "server.no-intermediate", "server.signed-by-ca", "server.aki-matches-ski");
        Assert.Equal("the leaf is issued by the intermediate CN=intermediate, which the CA signed", RuleAssert.Detail(report, "server.no-intermediate"));

        // Without the intermediate in the PEM, the leaf is still not signed by the CA.
        RuleAssert.AssertFails(CertificateChecker.CheckServer(leafPem, caPem, Domain), "server.signed-by-ca", "server.aki-matches-ski");
    }

    [Fact]
    public void LeafFollowedByItsCa_Passes()
    {
        using var ca = CertificateAuthority.Create();
        var issued = ca.IssueServerCertificate(new ServerCertificateRequest(Domain));
        var report = CertificateChecker.CheckServer(issued.CertificatePem + ca.CertificatePem, ca.CertificatePem, Domain);
        RuleAssert.AssertPassesAll(report, RuleAssert.AllServer);
        Assert.Equal("the PEM holds the leaf and its root CA", RuleAssert.Detail(report, "server.no-intermediate"));
    }

    [Fact]
    public void OpenSsl_ClientAuthOnlyEku_FailsEku()
    {
        using var dir = new TempDirectory();
        var recipe = new OpenSslRecipe(dir);
        recipe.RsaKey("ca.key");
        var caPem = recipe.SelfSignedCa();
        recipe.RsaKey("tls.key");
        var serverPem = recipe.Sign("tls.key", Domain,
            $"subjectAltName = DNS:{Domain},DNS:*.{Domain}\nauthorityKeyIdentifier = keyid,issuer\nextendedKeyUsage = clientAuth");

        var report = CertificateChecker.CheckServer(serverPem, caPem, Domain);

        RuleAssert.AssertFails(report, "server.eku");
        Assert.Contains("without serverAuth", RuleAssert.Detail(report, "server.eku"), StringComparison.Ordinal);
        Assert.Contains("extendedKeyUsage = serverAuth", report.Find("server.eku")!.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void NoEku_Passes()
    {
        using var ca = CertificateAuthority.Create();
        var issued = ca.IssueServerCertificate(new ServerCertificateRequest(Domain) { IncludeServerAuthEku = false });
        var report = CertificateChecker.CheckServer(issued.CertificatePem, ca.CertificatePem, Domain);
        RuleAssert.AssertPassesAll(report, RuleAssert.AllServer);
        Assert.Contains("no ExtendedKeyUsage", RuleAssert.Detail(report, "server.eku"), StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutCa_LeavesOutSignatureAndOnlyChecksAkiPresence()
    {
        using var ca = CertificateAuthority.Create();
        var issued = ca.IssueServerCertificate(new ServerCertificateRequest(Domain));
        var report = CertificateChecker.CheckServer(issued.CertificatePem, caPem: null, domainOrHost: null);
        RuleAssert.AssertPassesAll(report, RuleAssert.AllServer.Skip(1).ToArray());
        Assert.Contains("not compared", RuleAssert.Detail(report, "server.aki-matches-ski"), StringComparison.Ordinal);

        var noAki = ca.IssueServerCertificate(new ServerCertificateRequest(Domain) { IncludeAuthorityKeyIdentifier = false });
        RuleAssert.AssertFails(CertificateChecker.CheckServer(noAki.CertificatePem, null, Domain), "server.aki-matches-ski");
    }

    [Fact]
    public void EmptyServerPem_FailsEveryRuleAsNotChecked()
    {
        using var ca = CertificateAuthority.Create();
        var report = CertificateChecker.CheckServer(string.Empty, ca.CertificatePem, Domain);
        RuleAssert.AssertFails(report, RuleAssert.AllServer);
        Assert.All(report.Results, r => Assert.StartsWith("not checked", r.Detail, StringComparison.Ordinal));
    }

    [Fact]
    public void UnreadableCaPem_FailsSignedByCa()
    {
        using var ca = CertificateAuthority.Create();
        var issued = ca.IssueServerCertificate(new ServerCertificateRequest(Domain));
        RuleAssert.AssertFails(CertificateChecker.CheckServer(issued.CertificatePem, "not a pem", Domain), "server.signed-by-ca");
    }
}
