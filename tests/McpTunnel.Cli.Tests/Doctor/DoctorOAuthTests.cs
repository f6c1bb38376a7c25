using System.Text.Json;
using McpTunnel.Cli.Check;
using McpTunnel.Cli.Doctor;
using McpTunnel.Cli.Tests.Conformance;
using McpTunnel.Cli.Tests.Infrastructure;

namespace McpTunnel.Cli.Tests.Doctor;

/// <summary>
/// <c>doctor --oauth</c> against a real OAuth setup through the real tunnel: tests/node/oauth-stack.mjs runs the certified
/// oidc-provider (dynamic client registration, PKCE) as the authorization server behind route <c>auth</c> and a
/// TypeScript SDK MCP server (its bearer-auth middleware and protected-resource metadata router) behind route <c>mcp</c>,
/// the split-endpoint setup of docs/OAUTH.md. Correct, it passes; each misconfiguration Claude's backend would stop at
/// fails the check that names it, with its fix.
/// </summary>
public sealed class DoctorOAuthTests : IAsyncLifetime
{
    private readonly TestStack _stack = new();
    private readonly int _mcpPort = TestStack.FreePort();
    private readonly int _asPort = TestStack.FreePort();
    private System.Diagnostics.Process? _server;

    private static string McpUrl => $"https://mcp.{TestStack.Domain}/mcp";

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _server?.Kill(entireProcessTree: true);
        _server?.Dispose();
        await _stack.DisposeAsync();
    }

    [Fact]
    public async Task SplitEndpointSetup_EveryOAuthCheckPasses()
    {
        await StartAsync("ok");

        var (exit, output, report) = await RunDoctorAsync();

        Assert.True(exit == 0, output);
        var oauth = report.Checks.Where(c => c.Layer == DoctorLayer.OAuth).ToList();
        Assert.Equal(["401 challenge", "resource metadata", "resource", "authorization_servers", "as metadata", "issuer", "token_endpoint", "registration_endpoint", "authorization_endpoint", "PKCE S256"], oauth.Select(c => c.Name));
        Assert.All(oauth, c => Assert.Equal(DoctorStatus.Pass, c.Status));
        Assert.Contains(oauth, c => c.Name == "as metadata" && c.Detail.Contains("/.well-known/oauth-authorization-server", StringComparison.Ordinal)); // RFC 8414 first
        Assert.Contains(oauth, c => c.Name == "authorization_endpoint" && c.Detail.StartsWith("https://login.example.test/", StringComparison.Ordinal));
        Assert.Contains(oauth, c => c.Name == "token_endpoint" && c.Detail.StartsWith($"https://auth.{TestStack.Domain}/token", StringComparison.Ordinal));
        Assert.Contains("[oauth] OAuth discovery through the tunnel", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("authorize-on-tunnel", "authorization_endpoint", "is on the tunnel", "Advertise authorization_endpoint on a public host")]
    [InlineData("no-s256", "PKCE S256", "code_challenge_methods_supported is missing", "Enable PKCE with the S256 method")]
    [InlineData("issuer-mismatch", "issuer", "issuer https://login.example.test is not https://auth.", "Set the authorization server's issuer to https://auth.")]
    [InlineData("as-off-tunnel", "authorization_servers", "is http, not https", "Add a route for the authorization server")]
    [InlineData("http-resource", "resource", "is http, not https", "trust the proxy's X-Forwarded-Host/-Proto")]
    public async Task Misconfiguration_FailsTheCheckThatNamesIt(string scenario, string check, string detail, string fix)
    {
        await StartAsync(scenario);

        var (exit, output, report) = await RunDoctorAsync();

        Assert.True(exit == 1, output);
        var failure = Assert.Single(report.Failures);
        Assert.Equal(DoctorLayer.OAuth, failure.Layer);
        Assert.Equal(check, failure.Name);
        Assert.Contains(detail, failure.Detail, StringComparison.Ordinal);
        Assert.Contains(fix, failure.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostHeaderUpstream_ServerBuildsItsUrlsFromAPrivateHost_ChallengeFailsNamingTheWaysOut()
    {
        await StartAsync("ok", hostHeader: "  host_header:\n    mcp: upstream\n");

        var (exit, output, report) = await RunDoctorAsync();

        Assert.True(exit == 1, output);
        var failure = Assert.Single(report.Failures);
        Assert.Equal("401 challenge", failure.Name);
        Assert.Contains($"resource_metadata https://127.0.0.1:{_mcpPort}/.well-known/oauth-protected-resource/mcp names a private address", failure.Detail, StringComparison.Ordinal);
        Assert.Contains("trust the proxy's X-Forwarded-Host/-Proto", failure.Fix, StringComparison.Ordinal);
        Assert.Contains("keep upstream.host_header: original and use the server's allowed-hosts option", failure.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_HasTheOAuthLayer()
    {
        await StartAsync("no-s256");

        using var run = await CliJsonRun.RunAsync("doctor", "--json", "--config", _stack.ConfigPath, "--ca", _stack.CaFile, "--proxy", _stack.ProxyUri.ToString(), "--timeout", "10s", "--oauth", McpUrl);

        run.AssertHeader("doctor", 1);
        var root = run.Root;
        Assert.Equal("oauth", root.GetProperty("firstBrokenLayer").GetString());
        Assert.Equal(["config", "proxy", "inner-tls", "upstream", "oauth"], root.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("layer").GetString()));
        var failed = Assert.Single(root.GetProperty("checks").EnumerateArray(), c => c.GetProperty("status").GetString() == "fail");
        Assert.Equal("oauth", failed.GetProperty("layer").GetString());
        Assert.Equal("PKCE S256", failed.GetProperty("check").GetString());
        Assert.Contains("S256", failed.GetProperty("fix").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://mcp.example.test/mcp")]
    [InlineData("mcp.example.test/mcp")]
    public async Task OAuthUrlNotHttps_IsAUsageError(string url)
    {
        var (exit, _, error) = await CliRunner.RunAsync("doctor", "--config", _stack.ConfigPath, "--ca", _stack.CaFile, "--oauth", url);

        Assert.Equal(2, exit);
        Assert.Contains($"--oauth \"{url}\" is not an https URL", error, StringComparison.Ordinal);
    }

    private async Task StartAsync(string scenario, string hostHeader = "")
    {
        _server = await NodePeers.StartScriptAsync("oauth-stack.mjs", _mcpPort, new Dictionary<string, string>
        {
            ["DOMAIN"] = TestStack.Domain,
            ["AS_PORT"] = _asPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SCENARIO"] = scenario,
        });
        // With the authorization server off the tunnel, nothing advertises a route auth, so the config has none.
        var routes = scenario == "as-off-tunnel" ? $"mcp: http://127.0.0.1:{_mcpPort}" : $"mcp: http://127.0.0.1:{_mcpPort}\nauth: http://127.0.0.1:{_asPort}";
        _stack.WriteConfig(routes, extra: TestStack.LoopbackAllowed + hostHeader);
        await _stack.StartProxyAsync();
    }

    private async Task<(int Exit, string Output, DoctorReport Report)> RunDoctorAsync()
    {
        using var output = new StringWriter();
        var options = new DoctorOptions(_stack.ConfigPath, _stack.CaFile) { ProxyUri = _stack.ProxyUri, Timeout = TimeSpan.FromSeconds(10), OAuthUrl = new Uri(McpUrl) };
        var runner = new DoctorRunner(options, output, HostResolvers.System);
        var exit = await runner.RunAsync(CancellationToken.None);
        return (exit, output.ToString(), runner.LastReport!);
    }
}
