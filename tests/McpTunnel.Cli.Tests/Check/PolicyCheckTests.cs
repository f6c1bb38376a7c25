using System.Net;
using System.Text.Json;
using McpTunnel.Cli.Check;
using McpTunnel.Cli.Tests.Infrastructure;

namespace McpTunnel.Cli.Tests.Check;

/// <summary><c>mcptunnel check</c> on a config with an MCP policy: the effective policy per route, and <c>--explain … --tool</c>.</summary>
public sealed class PolicyCheckTests : IAsyncLifetime
{
    private const string Policy = """
        upstream:
          allowed_ips: [10.0.0.0/8]
        policy:
          echo:
            tools:
              allow: [search_*]
              deny: [search_secret]
            limits: { rate: 120/m, concurrency: 8 }
            tool_limits:
              search_all: { rate: 5/m, burst: 2 }
        """;

    private static readonly HostResolver FakeDns = (host, _) => Task.FromResult(new[] { IPAddress.Parse("10.0.0.7") });
    private readonly TestStack _stack = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    private async Task<(int Exit, string Output)> RunAsync(ExplainedCall? call, bool json = false, params string[] explain)
    {
        var config = _stack.WriteConfig("echo: http://wiki-mcp:9000\nplain: http://wiki-mcp:9001", extra: Policy);
        using var output = new StringWriter();
        var exit = await ConfigCheckAction.RunAsync(new ConfigCheckOptions(config) { Explain = explain, Mounts = [], Call = call, Json = json }, output, FakeDns, CancellationToken.None);
        return (exit, output.ToString());
    }

    [Fact]
    public async Task RouteWithAPolicy_PrintsTheEffectivePolicyUnderIt()
    {
        var (exit, output) = await RunAsync(null);

        Assert.Equal(0, exit);
        Assert.Contains("    policy tools: allow [search_*] deny [search_secret], anything else denied", output, StringComparison.Ordinal);
        Assert.Contains("    policy prompts: all allowed", output, StringComparison.Ordinal);
        Assert.Contains("    policy limits: every request 120 per 1m (burst 120), 8 in flight", output, StringComparison.Ordinal);
        Assert.Contains("    policy limits: tool search_all 5 per 1m (burst 2)", output, StringComparison.Ordinal);
        Assert.Single(output.Split('\n'), l => l.Contains("policy tools:", StringComparison.Ordinal)); // the plain route has none
    }

    [Fact]
    public async Task ExplainADeniedTool_NamesTheRule_AndExitsOne()
    {
        var (exit, output) = await RunAsync(new ExplainedCall("tools/call", "search_secret"), false, $"https://echo.{TestStack.Domain}/mcp");

        Assert.Equal(1, exit);
        Assert.Contains("policy:   tools/call search_secret: denied by policy.echo.tools.deny[0] \"search_secret\"", output, StringComparison.Ordinal);
        Assert.Contains("isError: true", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExplainAToolNoAllowEntryMatches_SaysTheDefaultDeniesIt()
    {
        var (exit, output) = await RunAsync(new ExplainedCall("tools/call", "delete_all"), false, $"https://echo.{TestStack.Domain}/mcp");

        Assert.Equal(1, exit);
        Assert.Contains("denied by policy.echo.tools: no allow entry matches and the default is deny", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExplainAnAllowedTool_NamesTheRuleAndItsLimits_AndWalksOnToTheUpstream()
    {
        var (exit, output) = await RunAsync(new ExplainedCall("tools/call", "search_all"), false, $"https://echo.{TestStack.Domain}/mcp");

        Assert.Equal(0, exit);
        Assert.Contains("allowed by policy.echo.tools.allow[0] \"search_*\"", output, StringComparison.Ordinal);
        Assert.Contains("limits:   tool search_all: 5 per 1m (burst 2)", output, StringComparison.Ordinal);
        Assert.Contains("result:   forwarded to http://wiki-mcp:9000/mcp", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExplainOnARouteWithoutPolicy_SaysTheCallIsForwardedUntouched()
    {
        var (exit, output) = await RunAsync(new ExplainedCall("tools/call", "anything"), false, $"https://plain.{TestStack.Domain}/mcp");

        Assert.Equal(0, exit);
        Assert.Contains("policy:   none on route plain", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_CarriesThePolicyLinesPerRoute()
    {
        var (_, output) = await RunAsync(null, json: true);

        var routes = JsonDocument.Parse(output).RootElement.GetProperty("routes").EnumerateArray().ToDictionary(r => r.GetProperty("key").GetString()!);
        Assert.Equal(JsonValueKind.Null, routes["plain"].GetProperty("policy").ValueKind);
        Assert.Contains(routes["echo"].GetProperty("policy").EnumerateArray(), l => l.GetString() == "tools: allow [search_*] deny [search_secret], anything else denied");
    }

    [Fact]
    public async Task ToolWithoutExplain_IsAUsageError()
    {
        var (exit, _, stderr) = await CliRunner.RunAsync("check", _stack.WriteConfig("echo: http://wiki-mcp:9000", extra: Policy), "--tool", "x");

        Assert.Equal(2, exit);
        Assert.Contains("--explain", stderr, StringComparison.Ordinal);
    }
}
