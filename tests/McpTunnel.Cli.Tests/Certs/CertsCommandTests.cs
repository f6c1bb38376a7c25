using McpTunnel.Cli.Tests.Infrastructure;
using McpTunnel.Pki.Issuing;
using McpTunnel.Pki.Rules;
using McpTunnel.Testing;

namespace McpTunnel.Cli.Tests.Certs;

/// <summary><c>certs ca</c>, <c>server</c> and <c>renew</c>: files, modes, refusal to overwrite, and renewal keeping the key (as the docs' manual renewal does).</summary>
public sealed class CertsCommandTests : IDisposable
{
    private const string Domain = "abcd1234.tunnel.test";
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task CaThenServer_WritesFilesThatPassEveryRule()
    {
        var data = _directory.Combine("data");
        Assert.Equal(0, (await CliRunner.RunAsync("certs", "ca", "--out", data)).ExitCode);
        var (exit, _, error) = await CliRunner.RunAsync("certs", "server", "--ca-cert", Path.Combine(data, "ca.crt"), "--ca-key", Path.Combine(data, "ca.key"), "--domain", Domain, "--out", data);

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Equal(UnixMode.OwnerOnly, UnixMode.Of(Path.Combine(data, "ca.key")));
        Assert.Equal(UnixMode.OwnerOnly, UnixMode.Of(Path.Combine(data, "tls.key")));
        Assert.True(CertificateChecker.CheckCa(await File.ReadAllTextAsync(Path.Combine(data, "ca.crt"))).Passed);
        var report = CertificateChecker.CheckServer(await File.ReadAllTextAsync(Path.Combine(data, "tls.crt")), await File.ReadAllTextAsync(Path.Combine(data, "ca.crt")), Domain, ServerNameKind.TunnelDomain);
        Assert.True(report.Passed, string.Join("; ", report.Failures.Select(f => f.Detail)));
    }

    [Fact]
    public async Task CaTwice_SecondRunRefusesAndKeepsTheKey()
    {
        var data = _directory.Combine("data");
        await CliRunner.RunAsync("certs", "ca", "--out", data);
        var before = await File.ReadAllTextAsync(Path.Combine(data, "ca.key"));

        var (exit, _, error) = await CliRunner.RunAsync("certs", "ca", "--out", data);

        Assert.Equal(1, exit);
        Assert.Contains("--force", error, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllTextAsync(Path.Combine(data, "ca.key")));
    }

    [Fact]
    public async Task ServerFromOpenSslCa_Works()
    {
        var openssl = new OpenSsl(_directory.Path);
        openssl.Ca("ca");

        var (exit, _, error) = await CliRunner.RunAsync("certs", "server", "--ca-cert", openssl.PathOf("ca.crt"), "--ca-key", openssl.PathOf("ca.key"), "--domain", Domain, "--out", _directory.Combine("out"), "--key-type", "rsa2048");

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        var report = CertificateChecker.CheckServer(await File.ReadAllTextAsync(_directory.Combine("out", "tls.crt")), await File.ReadAllTextAsync(openssl.PathOf("ca.crt")), Domain, ServerNameKind.TunnelDomain);
        Assert.True(report.Passed);
    }

    [Fact]
    public async Task Renew_KeepsKeyAndNamesAndExtendsValidity()
    {
        var data = _directory.Combine("data");
        await CliRunner.RunAsync("certs", "ca", "--out", data);
        await CliRunner.RunAsync("certs", "server", "--ca-cert", Path.Combine(data, "ca.crt"), "--ca-key", Path.Combine(data, "ca.key"), "--domain", Domain, "--out", data, "--days", "1");
        var keyBefore = await File.ReadAllTextAsync(Path.Combine(data, "tls.key"));
        var certBefore = await File.ReadAllTextAsync(Path.Combine(data, "tls.crt"));

        var (exit, output, error) = await CliRunner.RunAsync("certs", "renew", "--ca-cert", Path.Combine(data, "ca.crt"), "--ca-key", Path.Combine(data, "ca.key"), "--cert", Path.Combine(data, "tls.crt"), "--key", Path.Combine(data, "tls.key"), "--duration", "2160h");

        Assert.True(exit == 0, error);
        Assert.Contains("same key", output, StringComparison.Ordinal);
        Assert.Equal(keyBefore, await File.ReadAllTextAsync(Path.Combine(data, "tls.key")));
        var certAfter = await File.ReadAllTextAsync(Path.Combine(data, "tls.crt"));
        Assert.NotEqual(certBefore, certAfter);
        Assert.True(new IssuedCertificate(certAfter, keyBefore).NotAfter > new IssuedCertificate(certBefore, keyBefore).NotAfter.AddDays(80));
        using var renewed = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(certAfter, keyBefore);
        Assert.True(renewed.HasPrivateKey);
        Assert.True(CertificateChecker.CheckServer(certAfter, await File.ReadAllTextAsync(Path.Combine(data, "ca.crt")), Domain, ServerNameKind.TunnelDomain).Passed);
    }

    [Fact]
    public async Task Renew_OpenSslKeyAndCa_ReSignsTheSameKey()
    {
        var openssl = new OpenSsl(_directory.Path);
        openssl.Ca("ca");
        openssl.Server("tls", "ca", OpenSsl.DocsServerExtensions(Domain));
        var key = await File.ReadAllTextAsync(openssl.PathOf("tls.key"));

        var (exit, _, error) = await CliRunner.RunAsync("certs", "renew", "--ca-cert", openssl.PathOf("ca.crt"), "--ca-key", openssl.PathOf("ca.key"), "--cert", openssl.PathOf("tls.crt"), "--key", openssl.PathOf("tls.key"));

        Assert.True(exit == 0, error);
        using var renewed = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(openssl.PathOf("tls.crt")), key);
        Assert.True(renewed.HasPrivateKey);
        Assert.True(CertificateChecker.CheckServer(await File.ReadAllTextAsync(openssl.PathOf("tls.crt")), await File.ReadAllTextAsync(openssl.PathOf("ca.crt")), Domain, ServerNameKind.TunnelDomain).Passed);
    }

    [Fact]
    public async Task DaysAndDuration_Together_AreRejected()
    {
        var (exit, _, error) = await CliRunner.RunAsync("certs", "ca", "--out", _directory.Combine("x"), "--days", "5", "--duration", "24h");

        Assert.Equal(2, exit);
        Assert.Contains("not both", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_directory.Combine("x")));
    }
}
