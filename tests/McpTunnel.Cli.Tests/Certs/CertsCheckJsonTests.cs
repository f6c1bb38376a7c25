using System.Text.Json;
using McpTunnel.Cli.Tests.Infrastructure;
using McpTunnel.Pki.Issuing;
using McpTunnel.Testing;

namespace McpTunnel.Cli.Tests.Certs;

/// <summary><c>mcptunnel certs check --json</c>: the documented document (docs/CLI.md), read back as JSON.</summary>
public sealed class CertsCheckJsonTests : IDisposable
{
    private const string Domain = "abcd1234.tunnel.test";
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task GoodPair_EveryRulePassedWithTheKeyMatching()
    {
        var (ca, cert, key) = WritePair(Domain);

        using var run = await CliJsonRun.RunAsync("certs", "check", "--json", "--ca", ca, "--cert", cert, "--key", key, "--domain", Domain);

        run.AssertHeader("certs check", 0);
        var root = run.Root;
        Assert.Equal(JsonValueKind.Null, root.GetProperty("error").ValueKind);
        var files = root.GetProperty("certificates").EnumerateArray().ToList();
        Assert.Equal(["ca", "server"], files.Select(f => f.GetProperty("kind").GetString()));
        Assert.Equal(Domain, files[1].GetProperty("name").GetString());
        Assert.All(files, f => Assert.True(f.GetProperty("passed").GetBoolean()));
        Assert.Contains(files[1].GetProperty("rules").EnumerateArray(), r => r.GetProperty("id").GetString() == "server.san" && r.GetProperty("passed").GetBoolean());
        Assert.True(root.GetProperty("key").GetProperty("matchesCertificate").GetBoolean());
    }

    [Fact]
    public async Task WrongDomain_FailsServerSanWithItsFixAndExitsOne()
    {
        var (ca, cert, _) = WritePair("other.tunnel.test");

        using var run = await CliJsonRun.RunAsync("certs", "check", "--json", "--ca", ca, "--cert", cert, "--domain", Domain);

        run.AssertHeader("certs check", 1);
        var root = run.Root;
        var server = root.GetProperty("certificates")[1];
        Assert.False(server.GetProperty("passed").GetBoolean());
        var san = server.GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("id").GetString() == "server.san");
        Assert.False(san.GetProperty("passed").GetBoolean());
        Assert.Equal(JsonValueKind.String, san.GetProperty("fix").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("key").ValueKind);
    }

    [Fact]
    public async Task UnreadableFile_IsAnErrorFieldAndExitsOne()
    {
        using var run = await CliJsonRun.RunAsync("certs", "check", "--json", "--ca", _directory.Combine("missing.crt"));

        run.AssertHeader("certs check", 1);
        Assert.Contains("missing.crt", run.Root.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty(run.Root.GetProperty("certificates").EnumerateArray());
    }

    private (string Ca, string Cert, string Key) WritePair(string domain)
    {
        using var authority = CertificateAuthority.Create();
        var server = authority.IssueServerCertificate(new ServerCertificateRequest(domain));
        File.WriteAllText(_directory.Combine("ca.crt"), authority.CertificatePem);
        File.WriteAllText(_directory.Combine("tls.crt"), server.CertificatePem);
        File.WriteAllText(_directory.Combine("tls.key"), server.PrivateKeyPem);
        return (_directory.Combine("ca.crt"), _directory.Combine("tls.crt"), _directory.Combine("tls.key"));
    }
}
