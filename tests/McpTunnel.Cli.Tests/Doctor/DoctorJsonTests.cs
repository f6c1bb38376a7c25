using System.Text.Json;
using McpTunnel.Cli.Tests.Infrastructure;

namespace McpTunnel.Cli.Tests.Doctor;

/// <summary><c>mcptunnel doctor --json</c>: the documented document (docs/CLI.md), read back as JSON, against real stacks.</summary>
public sealed class DoctorJsonTests : StackWithUpstreamTests
{
    private static readonly string[] Statuses = ["pass", "warn", "fail", "skip"];

    [Fact]
    public async Task HealthyStack_IsOneDocumentWithEveryLayerPassed()
    {
        Stack.WriteConfig(EchoRoute);
        await Stack.StartProxyAsync();

        using var run = await CliJsonRun.RunAsync(Doctor("--json"));

        run.AssertHeader("doctor", 0);
        var root = run.Root;
        Assert.Equal(JsonValueKind.Null, root.GetProperty("firstBrokenLayer").ValueKind);
        Assert.Equal(["config", "proxy", "inner-tls", "upstream"], root.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("layer").GetString()));
        Assert.All(root.GetProperty("layers").EnumerateArray(), l => Assert.Equal("pass", l.GetProperty("status").GetString()));
        var checks = root.GetProperty("checks").EnumerateArray().ToList();
        Assert.NotEmpty(checks);
        Assert.All(checks, c =>
        {
            Assert.Contains(c.GetProperty("status").GetString(), Statuses);
            Assert.Equal(JsonValueKind.String, c.GetProperty("subject").ValueKind);
            Assert.Equal(JsonValueKind.String, c.GetProperty("check").ValueKind);
            Assert.Equal(JsonValueKind.String, c.GetProperty("detail").ValueKind);
            Assert.True(c.TryGetProperty("why", out _) && c.TryGetProperty("fix", out _));
        });
        Assert.Contains(checks, c => c.GetProperty("layer").GetString() == "upstream" && c.GetProperty("detail").GetString()!.Contains("JSON-RPC result", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NothingListening_NamesTheBrokenLayerSkipsTheRestAndExitsOne()
    {
        Stack.WriteConfig(EchoRoute, listen: $"127.0.0.1:{TestStack.FreePort()}");

        using var run = await CliJsonRun.RunAsync("doctor", "--json", "--config", Stack.ConfigPath, "--ca", Stack.CaFile, "--timeout", "2");

        run.AssertHeader("doctor", 1);
        var root = run.Root;
        Assert.Equal("proxy", root.GetProperty("firstBrokenLayer").GetString());
        Assert.Equal(["pass", "fail", "skipped", "skipped"], root.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("status").GetString()));
        var failure = root.GetProperty("checks").EnumerateArray().First(c => c.GetProperty("status").GetString() == "fail");
        Assert.Equal("proxy", failure.GetProperty("layer").GetString());
        Assert.Equal(JsonValueKind.String, failure.GetProperty("fix").ValueKind);
    }

    [Fact]
    public async Task MissingConfigFile_FailsTheConfigLayerWithDoctorsOwnFlagInTheFix()
    {
        var missing = Path.Combine(Stack.Directory, "missing.yaml");

        using var run = await CliJsonRun.RunAsync("doctor", "--json", "--config", missing, "--ca", Stack.CaFile, "--timeout", "2");

        run.AssertHeader("doctor", 1);
        Assert.Equal("config", run.Root.GetProperty("firstBrokenLayer").GetString());
        var failure = run.Root.GetProperty("checks").EnumerateArray().First(c => c.GetProperty("status").GetString() == "fail");
        Assert.Contains("mcptunnel doctor --config PATH", failure.GetProperty("fix").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("with -config PATH", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UsageError_PrintsNoJsonAndExitsTwo()
    {
        var (exit, output, error) = await CliRunner.RunAsync("doctor", "--json", "--mount", "relative");

        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.EndsWith("Run 'mcptunnel doctor --help' for usage.", error.TrimEnd(), StringComparison.Ordinal);
    }
}
