using McpTunnel.Cli.Tests.Infrastructure;
using McpTunnel.Pki.Issuing;
using McpTunnel.Testing;

namespace McpTunnel.Cli.Tests.Certs;

/// <summary>
/// <c>certs check</c> on certificates made by openssl with the docs' recipe, then with one
/// thing broken each time: the right rule fails, its fix is printed, and the exit code is 1.
/// </summary>
public sealed class CertsCheckTests : IDisposable
{
    private const string Domain = "abcd1234.tunnel.test";
    private readonly TempDirectory _directory = new();
    private readonly OpenSsl _openssl;

    public CertsCheckTests() => _openssl = new OpenSsl(_directory.Path);

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task DocsRecipe_OpenSslCaAndServer_EveryRulePassesAndExitsZero()
    {
        var ca = _openssl.Ca("ca");
        var server = _openssl.Server("tls", "ca", OpenSsl.DocsServerExtensions(Domain));

        var (exit, output, _) = await CliRunner.RunAsync("certs", "check", "--ca", ca, "--cert", server, "--domain", Domain);

        Assert.Equal(0, exit);
        Assert.DoesNotContain("FAIL", output, StringComparison.Ordinal);
        Assert.Contains("PASS  ca.ski", output, StringComparison.Ordinal);
        Assert.Contains("PASS  server.aki-matches-ski", output, StringComparison.Ordinal);
        Assert.Contains("PASS  server.san", output, StringComparison.Ordinal);
    }

    /// <summary>
    /// An openssl CA whose extensions break one rule fails that rule alone, with the fix naming the extension: no
    /// SubjectKeyIdentifier, CA:FALSE, no keyCertSign.
    /// </summary>
    [Theory]
    [InlineData("basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=none\nauthorityKeyIdentifier=none", "ca.ski", "subjectKeyIdentifier=hash")]
    [InlineData("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=none", "ca.basic-constraints", "CA:TRUE")]
    [InlineData("basicConstraints=critical,CA:TRUE\nkeyUsage=critical,digitalSignature,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=none", "ca.key-usage", "keyCertSign")]
    public async Task CaWithABrokenExtension_FailsThatRuleOnly(string extensions, string rule, string fix)
    {
        var ca = _openssl.Ca("ca", extensions);
        await AssertOnlyFailureAsync(rule, fix, "--ca", ca);
    }

    [Fact]
    public async Task CaSignedWithSha1_FailsSignatureHash()
    {
        var ca = _openssl.Ca("ca", digest: "-sha1");
        await AssertOnlyFailureAsync("ca.signature-hash", "-sha256", "--ca", ca);
    }

    [Fact]
    public async Task ServerSanForAnotherDomain_FailsSan()
    {
        var ca = _openssl.Ca("ca");
        var server = _openssl.Server("tls", "ca", OpenSsl.DocsServerExtensions("other.tunnel.test"));
        await AssertOnlyFailureAsync("server.san", "subjectAltName", "--ca", ca, "--cert", server, "--domain", Domain);
    }

    [Fact]
    public async Task ServerSanForAnotherDomain_FailsForOneRouteHostToo()
    {
        var ca = _openssl.Ca("ca");
        var server = _openssl.Server("tls", "ca", OpenSsl.DocsServerExtensions("other.tunnel.test"));
        await AssertOnlyFailureAsync("server.san", "subjectAltName", "--ca", ca, "--cert", server, "--host", $"echo.{Domain}");
    }

    [Fact]
    public async Task ServerWithoutAuthorityKeyIdentifier_FailsAki()
    {
        var ca = _openssl.Ca("ca");
        var server = _openssl.Server("tls", "ca", $"subjectAltName = DNS:{Domain},DNS:*.{Domain}\nauthorityKeyIdentifier = none\nsubjectKeyIdentifier = none\nextendedKeyUsage = serverAuth");
        await AssertOnlyFailureAsync("server.aki-matches-ski", "authorityKeyIdentifier = keyid,issuer", "--ca", ca, "--cert", server, "--domain", Domain);
    }

    [Fact]
    public async Task ServerWithRsa1024Key_FailsKeyStrength()
    {
        var ca = _openssl.Ca("ca");
        var server = _openssl.Server("tls", "ca", OpenSsl.DocsServerExtensions(Domain), key: "rsa:1024");
        await AssertOnlyFailureAsync("server.key-strength", "2048", "--ca", ca, "--cert", server, "--domain", Domain);
    }

    [Fact]
    public async Task ServerSignedWithSha1_FailsSignatureHash()
    {
        var ca = _openssl.Ca("ca");
        var server = _openssl.Server("tls", "ca", OpenSsl.DocsServerExtensions(Domain), digest: "-sha1");
        await AssertOnlyFailureAsync("server.signature-hash", "-sha256", "--ca", ca, "--cert", server, "--domain", Domain);
    }

    [Fact]
    public async Task ServerIssuedByIntermediate_FailsNoIntermediate()
    {
        var root = _openssl.Ca("ca");
        _openssl.Server("inter", "ca", "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid,issuer", days: 365);
        var leaf = _openssl.Server("leaf", "inter", OpenSsl.DocsServerExtensions(Domain));
        var chain = _openssl.PathOf("chain.crt");
        await File.WriteAllTextAsync(chain, await File.ReadAllTextAsync(leaf) + await File.ReadAllTextAsync(_openssl.PathOf("inter.crt")));

        var (exit, output, _) = await CliRunner.RunAsync("certs", "check", "--ca", root, "--cert", chain, "--domain", Domain);

        Assert.Equal(1, exit);
        Assert.Contains("FAIL  server.no-intermediate", output, StringComparison.Ordinal);
        Assert.Contains("FAIL  server.signed-by-ca", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExpiredServerCertificate_FailsValidity()
    {
        // openssl 3.0's x509 -req cannot backdate, so this one comes from our PKI with an old NotBefore.
        var ca = _openssl.Ca("ca");
        using var authority = CertificateAuthority.Load(ca, _openssl.PathOf("ca.key"));
        var expired = authority.IssueServerCertificate(new ServerCertificateRequest(Domain)
        {
            NotBefore = DateTimeOffset.UtcNow.AddDays(-100),
            Validity = TimeSpan.FromDays(10),
        });
        var server = _openssl.PathOf("expired.crt");
        await File.WriteAllTextAsync(server, expired.CertificatePem);

        await AssertOnlyFailureAsync("server.validity", "renew", "--ca", ca, "--cert", server, "--domain", Domain);
    }

    [Fact]
    public async Task KeyFromAnotherPair_FailsKeyMatch()
    {
        var ca = _openssl.Ca("ca");
        var server = _openssl.Server("tls", "ca", OpenSsl.DocsServerExtensions(Domain));
        _openssl.Server("other", "ca", OpenSsl.DocsServerExtensions(Domain));

        var good = await CliRunner.RunAsync("certs", "check", "--ca", ca, "--cert", server, "--key", _openssl.PathOf("tls.key"), "--domain", Domain);
        var bad = await CliRunner.RunAsync("certs", "check", "--ca", ca, "--cert", server, "--key", _openssl.PathOf("other.key"), "--domain", Domain);

        Assert.Equal(0, good.ExitCode);
        Assert.Contains("PASS  key.matches-certificate", good.Output, StringComparison.Ordinal);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("FAIL  key.matches-certificate", bad.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoFiles_IsUsageErrorWithExitTwo()
    {
        var (exit, _, error) = await CliRunner.RunAsync("certs", "check");

        Assert.Equal(2, exit);
        Assert.Contains("--ca FILE and/or --cert FILE", error, StringComparison.Ordinal);
    }

    private static async Task AssertOnlyFailureAsync(string ruleId, string fixFragment, params string[] args)
    {
        var (exit, output, _) = await CliRunner.RunAsync(["certs", "check", .. args]);

        Assert.Equal(1, exit);
        Assert.Contains($"FAIL  {ruleId} ", output, StringComparison.Ordinal);
        var failing = output.Split('\n').Where(l => l.TrimStart().StartsWith("FAIL", StringComparison.Ordinal)).ToList();
        Assert.Single(failing);
        Assert.Contains(fixFragment, output[output.IndexOf($"FAIL  {ruleId} ", StringComparison.Ordinal)..], StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"failed: {ruleId}", output, StringComparison.Ordinal);
    }
}
