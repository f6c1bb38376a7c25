using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;
using McpTunnel.Pki.Issuing;
using McpTunnel.Pki.Rules;
using McpTunnel.Pki.Tests.Infrastructure;
using McpTunnel.Testing;

namespace McpTunnel.Pki.Tests.Rules;

/// <summary>The CA rules the Tunnels API enforces at registration: each broken CA fails the rule it breaks, and nothing unrelated.</summary>
public class CaCheckerTests
{
    [Fact]
    public void Generated_DefaultCa_PassesEveryRule()
    {
        using var ca = CertificateAuthority.Create();
        var report = CertificateChecker.CheckCa(ca.CertificatePem);
        RuleAssert.AssertPassesAll(report, RuleAssert.AllCa);
        Assert.All(report.Results, r => Assert.StartsWith("Tunnels API:", r.Description, StringComparison.Ordinal));
        Assert.Contains("ECDSA P-256", RuleAssert.Detail(report, "ca.key-strength"), StringComparison.Ordinal);
        Assert.Contains("ECDSA with SHA-256", RuleAssert.Detail(report, "ca.signature-hash"), StringComparison.Ordinal);
    }

    [Fact]
    public void OpenSsl_NoSubjectKeyIdentifier_FailsSki()
    {
        var pem = OpenSslCa("basicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = none");
        var report = CertificateChecker.CheckCa(pem);
        RuleAssert.AssertFails(report, "ca.ski");
        Assert.Contains("subjectKeyIdentifier=hash", report.Find("ca.ski")!.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void OpenSsl_CaFalse_FailsBasicConstraints()
    {
        var report = CertificateChecker.CheckCa(OpenSslCa("basicConstraints = critical,CA:FALSE\nkeyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = hash"));
        RuleAssert.AssertFails(report, "ca.basic-constraints");
        Assert.Equal("BasicConstraints is CA:FALSE", RuleAssert.Detail(report, "ca.basic-constraints"));
    }

    [Fact]
    public void OpenSsl_BasicConstraintsNotCritical_FailsBasicConstraints()
    {
        var report = CertificateChecker.CheckCa(OpenSslCa("basicConstraints = CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = hash"));
        RuleAssert.AssertFails(report, "ca.basic-constraints");
        Assert.Contains("not marked critical", RuleAssert.Detail(report, "ca.basic-constraints"), StringComparison.Ordinal);
    }

    [Fact]
    public void CertificateRequest_NoBasicConstraints_FailsBasicConstraints()
    {
        var pem = Build(request => request.CertificateExtensions.RemoveAt(0));
        var report = CertificateChecker.CheckCa(pem);
        RuleAssert.AssertFails(report, "ca.basic-constraints");
        Assert.Equal("no BasicConstraints extension", RuleAssert.Detail(report, "ca.basic-constraints"));
    }

    [Fact]
    public void OpenSsl_KeyUsageWithoutKeyCertSign_FailsKeyUsage()
    {
        var report = CertificateChecker.CheckCa(OpenSslCa("basicConstraints = critical,CA:TRUE\nkeyUsage = critical,digitalSignature,cRLSign\nsubjectKeyIdentifier = hash"));
        RuleAssert.AssertFails(report, "ca.key-usage");
    }

    [Fact]
    public void OpenSsl_NoKeyUsage_FailsKeyUsage()
    {
        var report = CertificateChecker.CheckCa(OpenSslCa("basicConstraints = critical,CA:TRUE\nsubjectKeyIdentifier = hash"));
        RuleAssert.AssertFails(report, "ca.key-usage");
        Assert.Equal("no KeyUsage extension", RuleAssert.Detail(report, "ca.key-usage"));
    }

    [Fact]
    public void TwoCertificates_FailsSingleCertificate()
    {
        using var a = CertificateAuthority.Create();
        using var b = CertificateAuthority.Create(new CertificateAuthorityRequest { CommonName = "second" });
        var report = CertificateChecker.CheckCa(a.CertificatePem + b.CertificatePem);
        RuleAssert.AssertFails(report, "ca.single-certificate");
        Assert.Contains("2 certificates", RuleAssert.Detail(report, "ca.single-certificate"), StringComparison.Ordinal);
    }

    [Fact]
    public void CertificateAndServerCertificate_FailsSingleCertificate()
    {
        using var ca = CertificateAuthority.Create();
        var issued = ca.IssueServerCertificate(new ServerCertificateRequest("d.example"));
        RuleAssert.AssertFails(CertificateChecker.CheckCa(ca.CertificatePem + issued.CertificatePem), "ca.single-certificate");
    }

    [Fact]
    public void PrivateKeyInPem_FailsNoPrivateKey()
    {
        using var ca = CertificateAuthority.Create();
        var report = CertificateChecker.CheckCa(ca.CertificatePem + ca.PrivateKeyPem);
        RuleAssert.AssertFails(report, "ca.no-private-key");
        Assert.Contains("never ca.key", report.Find("ca.no-private-key")!.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void TraditionalRsaKeyInPem_FailsNoPrivateKey()
    {
        using var dir = new TempDirectory();
        var key = File.ReadAllText(new OpenSslRecipe(dir).RsaKey("k.key", traditional: true));
        using var ca = CertificateAuthority.Create();
        RuleAssert.AssertFails(CertificateChecker.CheckCa(key + ca.CertificatePem), "ca.no-private-key");
    }

    [Fact]
    public void Over8kB_FailsSize()
    {
        // A real certificate made large by an extension, as an over-stuffed CA would be.
        var pem = Build(request => request.CertificateExtensions.Add(new X509Extension("1.3.6.1.4.1.55555.1", new byte[6500], critical: false)));
        var report = CertificateChecker.CheckCa(pem);
        RuleAssert.AssertFails(report, "ca.size");
        Assert.Contains("(limit 8192)", RuleAssert.Detail(report, "ca.size"), StringComparison.Ordinal);
    }

    [Fact]
    public void Exactly8192Bytes_PassesSize()
    {
        using var ca = CertificateAuthority.Create();
        var padded = new string('#', PkiDefaults.MaxCaPemBytes - ca.CertificatePem.Length - 1) + "\n" + ca.CertificatePem;
        Assert.Equal(8192, padded.Length);
        RuleAssert.AssertPassesAll(CertificateChecker.CheckCa(padded), RuleAssert.AllCa);
        RuleAssert.AssertFails(CertificateChecker.CheckCa("#" + padded), "ca.size");
    }

    [Fact]
    public void Expired_FailsValidityWithDateAndAge()
    {
        var notBefore = new DateTimeOffset(2025, 1, 2, 0, 0, 0, TimeSpan.Zero);
        using var ca = CertificateAuthority.Create(new CertificateAuthorityRequest { NotBefore = notBefore, Validity = TimeSpan.FromDays(365) });
        var report = CertificateChecker.CheckCa(ca.CertificatePem, now: new DateTimeOffset(2026, 1, 16, 0, 0, 0, TimeSpan.Zero));
        RuleAssert.AssertFails(report, "ca.validity");
        Assert.Equal("expired 2026-01-02 00:00 UTC, 14 days ago", RuleAssert.Detail(report, "ca.validity"));
    }

    [Fact]
    public void NotYetValid_FailsValidity()
    {
        using var ca = CertificateAuthority.Create(new CertificateAuthorityRequest { NotBefore = DateTimeOffset.UtcNow.AddDays(3) });
        var report = CertificateChecker.CheckCa(ca.CertificatePem);
        RuleAssert.AssertFails(report, "ca.validity");
        Assert.Contains("not valid until", RuleAssert.Detail(report, "ca.validity"), StringComparison.Ordinal);
        Assert.Contains("2 days from now", RuleAssert.Detail(report, "ca.validity"), StringComparison.Ordinal);
    }

    [Fact]
    public void OpenSsl_Rsa1024_FailsKeyStrength()
    {
        using var dir = new TempDirectory();
        var recipe = new OpenSslRecipe(dir);
        recipe.RsaKey("ca.key", bits: 1024);
        var report = CertificateChecker.CheckCa(recipe.SelfSignedCa());
        RuleAssert.AssertFails(report, "ca.key-strength");
        Assert.Contains("RSA 1024 bits", RuleAssert.Detail(report, "ca.key-strength"), StringComparison.Ordinal);
        Assert.Contains("RSA key of 2048 bits or more", report.Find("ca.key-strength")!.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void OpenSsl_EcP224_FailsKeyStrength()
    {
        using var dir = new TempDirectory();
        var recipe = new OpenSslRecipe(dir);
        recipe.EcKey("ca.key", curve: "secp224r1");
        var report = CertificateChecker.CheckCa(recipe.SelfSignedCa());
        RuleAssert.AssertFails(report, "ca.key-strength");
        Assert.Contains("P-224", RuleAssert.Detail(report, "ca.key-strength"), StringComparison.Ordinal);
    }

    [Fact]
    public void OpenSsl_EcP384_Passes()
    {
        using var dir = new TempDirectory();
        var recipe = new OpenSslRecipe(dir);
        recipe.EcKey("ca.key", curve: "secp384r1");
        RuleAssert.AssertPassesAll(CertificateChecker.CheckCa(recipe.SelfSignedCa(digest: "-sha384")), RuleAssert.AllCa);
    }

    [Fact]
    public void OpenSsl_Sha1Signature_FailsSignatureHash()
    {
        using var dir = new TempDirectory();
        var recipe = new OpenSslRecipe(dir);
        recipe.RsaKey("ca.key");
        var report = CertificateChecker.CheckCa(recipe.SelfSignedCa(digest: "-sha1"));
        RuleAssert.AssertFails(report, "ca.signature-hash");
        Assert.Contains("RSA with SHA-1", RuleAssert.Detail(report, "ca.signature-hash"), StringComparison.Ordinal);
    }

    [Fact]
    public void OpenSsl_RsaPssSha256_Passes()
    {
        using var dir = new TempDirectory();
        var recipe = new OpenSslRecipe(dir);
        recipe.RsaKey("ca.key");
        _ = recipe.SelfSignedCa();
        OpenSsl.Run(dir.Path, "req", "-x509", "-new", "-key", "ca.key", "-sha256", "-sigopt", "rsa_padding_mode:pss",
            "-days", "30", "-config", "ca.crt.cnf", "-extensions", "v3_ca", "-out", "pss.crt");
        var report = CertificateChecker.CheckCa(dir.Read("pss.crt"));
        RuleAssert.AssertPassesAll(report, RuleAssert.AllCa);
        Assert.Contains("RSA-PSS with SHA-256", RuleAssert.Detail(report, "ca.signature-hash"), StringComparison.Ordinal);
    }

    [Fact]
    public void NotPem_FailsEveryCertificateRule()
    {
        var report = CertificateChecker.CheckCa("hello");
        RuleAssert.AssertFails(report, "ca.single-certificate", "ca.basic-constraints", "ca.ski", "ca.key-usage", "ca.validity",
            "ca.key-strength", "ca.signature-hash");
        Assert.StartsWith("not checked", RuleAssert.Detail(report, "ca.ski"), StringComparison.Ordinal);
    }

    [Fact]
    public void TextDumpAroundPem_Passes()
    {
        using var ca = CertificateAuthority.Create();
        RuleAssert.AssertPassesAll(CertificateChecker.CheckCa("Certificate:\n    Data: ...\r\n" + ca.CertificatePem.Replace("\n", "\r\n", StringComparison.Ordinal)), RuleAssert.AllCa);
    }

    private static string OpenSslCa(string extensions)
    {
        using var dir = new TempDirectory();
        var recipe = new OpenSslRecipe(dir);
        recipe.RsaKey("ca.key");
        return recipe.SelfSignedCa(extensions: extensions);
    }

    /// <summary>A correct CA built with CertificateRequest, then altered by <paramref name="change"/>.</summary>
    private static string Build(Action<CertificateRequest> change)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=mcp-tunnel-ca", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        change(request);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30));
        return certificate.ExportCertificatePem();
    }
}
