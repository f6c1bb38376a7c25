using System.Text.Json;
using McpTunnel.Cli.Tests.Infrastructure;

namespace McpTunnel.Cli.Tests.Check;

/// <summary><c>mcptunnel check --json</c>: the documented document (docs/CLI.md), read back as JSON.</summary>
public sealed class ConfigCheckJsonTests : IAsyncLifetime
{
    private readonly TestStack _stack = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task ValidConfig_ListsRoutesAndExplainsAForwardedRequest()
    {
        var config = _stack.WriteConfig("echo: http://10.0.0.7:9000", extra: "");

        using var run = await CliJsonRun.RunAsync("check", config, "--json", "--explain", $"echo.{TestStack.Domain}", "--mount", $"{_stack.Directory}:/data");

        run.AssertHeader("check", 0);
        var root = run.Root;
        Assert.True(root.GetProperty("loaded").GetBoolean());
        Assert.Equal(TestStack.Domain, root.GetProperty("tunnelDomain").GetString());
        Assert.Empty(root.GetProperty("errors").EnumerateArray());
        var route = Assert.Single(root.GetProperty("routes").EnumerateArray());
        Assert.Equal("echo", route.GetProperty("key").GetString());
        Assert.Equal("http://10.0.0.7:9000", route.GetProperty("upstream").GetString());
        Assert.Equal($"echo.{TestStack.Domain}", route.GetProperty("publicHost").GetString());
        var explained = Assert.Single(root.GetProperty("explain").EnumerateArray());
        Assert.True(explained.GetProperty("forwarded").GetBoolean());
        Assert.Contains("egress:", explained.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RoutesAsList_GivesTheDocumentedErrorAsAFieldAndExitsOne()
    {
        var config = _stack.Directory + "/list.yaml";
        await File.WriteAllTextAsync(config, $"tunnel_domain: {TestStack.Domain}\ntls:\n  cert_file: {_stack.CertFile}\n  key_file: {_stack.KeyFile}\nroutes:\n  - echo: http://10.0.0.7:9000\n");

        using var run = await CliJsonRun.RunAsync("check", config, "--json");

        run.AssertHeader("check", 1);
        var root = run.Root;
        Assert.False(root.GetProperty("loaded").GetBoolean());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("listen").ValueKind);
        var error = root.GetProperty("errors").EnumerateArray().First(e => e.GetProperty("field").GetString() == "routes");
        Assert.Contains("cannot unmarshal !!seq into map[string]string", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(root.GetProperty("routes").EnumerateArray());
    }

    [Fact]
    public async Task RequestThatWouldNotBeForwarded_IsFalseAndExitsOne()
    {
        var config = _stack.WriteConfig("echo: http://10.0.0.7:9000", extra: "");

        using var run = await CliJsonRun.RunAsync("check", config, "--json", "--explain", $"nope.{TestStack.Domain}", "--mount", $"{_stack.Directory}:/data");

        run.AssertHeader("check", 1);
        Assert.False(Assert.Single(run.Root.GetProperty("explain").EnumerateArray()).GetProperty("forwarded").GetBoolean());
    }
}
