using McpTunnel.Cli.Check;
using McpTunnel.Cli.Doctor;
using McpTunnel.Cli.Tests.Infrastructure;
using McpTunnel.Pki.Issuing;

namespace McpTunnel.Cli.Tests.Doctor;

/// <summary>
/// <c>mcptunnel doctor</c> against stacks built in-process on 127.0.0.1, each broken in one way: it names the
/// layer and cause (the README's troubleshooting row) every time, and passes on a healthy stack.
/// </summary>
public sealed class DoctorTests : StackWithUpstreamTests
{
    private const string Domain = TestStack.Domain;

    [Fact]
    public async Task HealthyStack_EveryLayerPassesAndExitsZero()
    {
        Stack.WriteConfig(EchoRoute);
        await Stack.StartProxyAsync();

        var (exit, output, report) = await RunAsync();

        Assert.True(exit == 0, output);
        Assert.True(report.Passed);
        Assert.Contains("426 Upgrade Required", output, StringComparison.Ordinal);
        Assert.Contains("PASS  " + $"echo.{Domain}", output, StringComparison.Ordinal);
        Assert.Contains("handshake ok trusting only the CA", output, StringComparison.Ordinal);
        Assert.Contains("days left", output, StringComparison.Ordinal);
        Assert.Contains("JSON-RPC result from server \"test-mcp\"", output, StringComparison.Ordinal);
        Assert.Equal(1, Upstream.Requests);
        Assert.Equal([DoctorLayer.Config, DoctorLayer.Proxy, DoctorLayer.InnerTls, DoctorLayer.Upstream], report.Checks.Select(c => c.Layer).Distinct());
        Assert.Contains("doctor: all", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthyStackWithSseUpstream_ReadsTheResultFromTheEvent()
    {
        await using var sse = await McpUpstream.StartAsync(useSse: true);
        Stack.WriteConfig($"echo: http://127.0.0.1:{sse.Port}");
        await Stack.StartProxyAsync();

        var (exit, output, _) = await RunAsync();

        Assert.True(exit == 0, output);
        Assert.Contains("JSON-RPC result from server \"test-mcp\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProxyNotRunning_FailsTheProxyLayerAndSkipsTheRest()
    {
        Stack.WriteConfig(EchoRoute, listen: $"127.0.0.1:{TestStack.FreePort()}");

        var (exit, output, report) = await RunAsync(proxy: false);

        AssertOneFailure(exit, report, DoctorLayer.Proxy, "nothing answers", "connection refused");
        Assert.Contains("docker compose up -d", output, StringComparison.Ordinal);
        Assert.Contains("SKIP  not checked", output, StringComparison.Ordinal);
        Assert.Equal(0, Upstream.Requests);
    }

    [Fact]
    public async Task WrongCa_FailsInnerTlsWithUnknownCertificateAuthority()
    {
        Stack.WriteConfig(EchoRoute);
        await Stack.StartProxyAsync();
        using var other = CertificateAuthority.Create();
        var otherCa = Path.Combine(Stack.Directory, "other-ca.crt");
        await File.WriteAllTextAsync(otherCa, other.CertificatePem);

        var (exit, output, report) = await RunAsync(caPath: otherCa);

        AssertOneFailure(exit, report, DoctorLayer.InnerTls, "unknown certificate authority", "tls handshake failed: unknown certificate authority", "tls.crt on disk fails server.signed-by-ca");
        Assert.Contains("re-upload", output, StringComparison.Ordinal);
        Assert.Equal(0, Upstream.Requests);
    }

    [Fact]
    public async Task SanForAnotherDomain_FailsInnerTlsWithNameMismatch()
    {
        Stack.WriteServer(Stack.Authority.IssueServerCertificate(new ServerCertificateRequest("other.tunnel.test")));
        Stack.WriteConfig(EchoRoute);
        await Stack.StartProxyAsync();

        var (exit, output, report) = await RunAsync();

        AssertOneFailure(exit, report, DoctorLayer.InnerTls, "bad certificate", "name mismatch", "*.other.tunnel.test");
        Assert.Contains("WARN", output, StringComparison.Ordinal); // the config layer already saw tls.crt disagree with tunnel_domain
    }

    [Fact]
    public async Task ExpiredCertificate_FailsInnerTlsWithExpired()
    {
        Stack.WriteServer(Stack.Authority.IssueServerCertificate(new ServerCertificateRequest(Domain)
        {
            NotBefore = DateTimeOffset.UtcNow.AddDays(-100),
            Validity = TimeSpan.FromDays(10),
        }));
        Stack.WriteConfig(EchoRoute);
        await Stack.StartProxyAsync();

        var (exit, output, report) = await RunAsync();

        AssertOneFailure(exit, report, DoctorLayer.InnerTls, "bad certificate", "certificate expired");
        Assert.Contains("certs renew", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoopbackUpstreamUnderDefaultPolicy_FailsEgressAndNeverDials()
    {
        Stack.WriteConfig(EchoRoute, extra: "");
        await Stack.StartProxyAsync();

        var (exit, output, report) = await RunAsync();

        var failure = AssertOneFailure(exit, report, DoctorLayer.Upstream, "upstream not allowed", "IP validation failed: 127.0.0.1 is not a private address");
        Assert.Equal("egress", failure.Name);
        Assert.DoesNotContain(report.Checks, c => c.Name is "tcp" or "mcp initialize");
        Assert.Equal(0, Upstream.Requests);
        Assert.Contains("allowed_ips", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpstreamDown_FailsTcpWithConnectionRefused()
    {
        Stack.WriteConfig($"echo: http://127.0.0.1:{TestStack.FreePort()}");
        await Stack.StartProxyAsync();

        var (exit, _, report) = await RunAsync();

        var failure = AssertOneFailure(exit, report, null, "upstream not listening", "connection refused");
        Assert.Equal("tcp", failure.Name);
    }

    [Fact]
    public async Task RouteNameTypo_FailsRoutingForTheNameClaudeCalls()
    {
        Stack.WriteConfig($"ecoh: http://127.0.0.1:{Upstream.Port}");
        await Stack.StartProxyAsync();

        var (exit, output, report) = await RunAsync(hosts: ["echo"]);

        var failure = AssertOneFailure(exit, report, null, "no route", "no route for host", $"ecoh.{Domain}");
        Assert.Equal("route", failure.Name);
        Assert.Equal($"echo.{Domain}", failure.Subject);
        Assert.Contains("route name typo", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TunnelDomainMismatch_FailsRoutingAndNamesBothDomains()
    {
        Stack.WriteConfig(EchoRoute, tunnelDomain: "wrong.tunnel.test");
        await Stack.StartProxyAsync();

        var (exit, _, report) = await RunAsync(domain: Domain);

        var failure = AssertOneFailure(exit, report, DoctorLayer.Upstream, "no route", "tunnel_domain is \"wrong.tunnel.test\" but the tunnel's domain is \"abcd1234.tunnel.test\"");
        Assert.Equal("route", failure.Name);
    }

    [Fact]
    public async Task ConfigEditedWithoutRestart_RunningProxyAnswersNoRoute()
    {
        var running = Stack.WriteConfig(EchoRoute, path: Path.Combine(Stack.Directory, "running.yaml"));
        await Stack.StartProxyAsync(running);
        Stack.WriteConfig($"echo: http://127.0.0.1:{Upstream.Port}\nwiki: http://127.0.0.1:{Upstream.Port}");

        var (exit, _, report) = await RunAsync();

        var failure = AssertOneFailure(exit, report, null, "config not reloaded", "No route configured for host");
        Assert.Equal($"wiki.{Domain}", failure.Subject);
        Assert.Equal("mcp initialize", failure.Name);
    }

    [Fact]
    public async Task CertificateFileReplacedButNotServed_WarnsThatTheProxyServesAnother()
    {
        Stack.WriteConfig(EchoRoute);
        await Stack.StartProxyAsync();

        // A new certificate without its key: the proxy's reload refuses the mismatched pair and keeps serving the old one.
        await File.WriteAllTextAsync(Stack.CertFile, Stack.Authority.IssueServerCertificate(new ServerCertificateRequest(Domain)).CertificatePem);

        var (exit, _, report) = await RunAsync();

        Assert.Equal(0, exit);
        var warning = Assert.Single(report.Checks, c => c.Status == DoctorStatus.Warn && c.Name != ProxyIdentityProbe.Check);
        Assert.Equal("certificate file", warning.Name);
    }

    [Fact]
    public async Task UpstreamNeverAnswers_FailsInitializeWithinTheTimeout()
    {
        await using var hanging = await McpUpstream.StartAsync(hang: true);
        Stack.WriteConfig($"echo: http://127.0.0.1:{hanging.Port}");
        await Stack.StartProxyAsync();

        var (exit, _, report) = await RunAsync(timeout: TimeSpan.FromSeconds(3));

        var failure = AssertOneFailure(exit, report, null, null, "no answer within 3s");
        Assert.Equal("mcp initialize", failure.Name);
        Assert.Equal(1, hanging.Requests);
    }

    [Fact]
    public async Task WrongPath_Fails404WithThePathFix()
    {
        Stack.WriteConfig(EchoRoute);
        await Stack.StartProxyAsync();

        var (exit, output, report) = await RunAsync(path: "/sse");

        Assert.Equal(1, exit);
        Assert.Contains("404", Assert.Single(report.Failures).Detail, StringComparison.Ordinal);
        Assert.Contains("--path", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BrokenConfig_FailsTheConfigLayerWithTheLoaderErrors()
    {
        var path = Stack.WriteConfig("echo: http://127.0.0.1:9000/mcp");

        var (exit, output, report) = await RunAsync(proxy: false);

        Assert.Equal(1, exit);
        Assert.All(report.Failures, f => Assert.Equal(DoctorLayer.Config, f.Layer));
        Assert.Contains("invalid upstream (must be scheme://host:port)", output, StringComparison.Ordinal);
        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task EndToEnd_FlagsParseAndReachTheProxy()
    {
        Stack.WriteConfig(EchoRoute);
        await Stack.StartProxyAsync();

        var (exit, output, error) = await CliRunner.RunAsync("doctor", "--config", Stack.ConfigPath, "--ca", Stack.CaFile, "--proxy", Stack.ProxyUri.ToString(), "--path", "mcp", "--domain", Domain, "--timeout", "5");

        Assert.True(exit == 0, output + error);
        Assert.Contains("mcp initialize", output, StringComparison.Ordinal);
    }

    /// <summary>
    /// Asserts doctor exited 1 with exactly one failed check, in <paramref name="layer"/> (when given), pointing at the
    /// troubleshooting row <paramref name="row"/> (when given), whose detail holds each of <paramref name="detailTexts"/>.
    /// </summary>
    private static DoctorCheck AssertOneFailure(int exit, DoctorReport report, DoctorLayer? layer, string? row, params string[] detailTexts)
    {
        Assert.Equal(1, exit);
        var failure = Assert.Single(report.Failures);
        if (layer is not null)
        {
            Assert.Equal(layer, failure.Layer);
        }

        if (row is not null)
        {
            Assert.Equal(row, failure.Row!.Name);
        }

        Assert.All(detailTexts, text => Assert.Contains(text, failure.Detail, StringComparison.Ordinal));
        return failure;
    }

    private async Task<(int Exit, string Output, DoctorReport Report)> RunAsync(
        string? caPath = null, IReadOnlyList<string>? hosts = null, string? domain = null, string path = "/mcp", bool proxy = true, TimeSpan? timeout = null)
    {
        using var output = new StringWriter();
        var options = new DoctorOptions(Stack.ConfigPath, caPath ?? Stack.CaFile)
        {
            ProxyUri = proxy ? Stack.ProxyUri : null,
            Hosts = hosts ?? [],
            Domain = domain,
            Path = path,
            Timeout = timeout ?? TimeSpan.FromSeconds(10),
        };
        var runner = new DoctorRunner(options, output, HostResolvers.System);
        var exit = await runner.RunAsync(CancellationToken.None);
        return (exit, output.ToString(), runner.LastReport!);
    }
}
