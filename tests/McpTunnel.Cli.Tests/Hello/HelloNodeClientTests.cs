using System.Diagnostics;
using System.Text.Json;

namespace McpTunnel.Cli.Tests.Hello;

/// <summary>
/// The official TypeScript SDK client (tests/node/mcp-client.mjs) against the sample server.
/// Assumes <c>npm ci</c> has run in tests/node (./test.sh does it first).
/// </summary>
public sealed class HelloNodeClientTests(HelloServerFixture fixture) : IClassFixture<HelloServerFixture>
{
    [Fact]
    public async Task NodeClient_HelloAndProgress_PrintsOkJsonLine()
    {
        var (exitCode, stdout, stderr) = await RunNodeClientAsync(fixture.Endpoint.ToString(), "--progress", "--steps", "3", "--delay-ms", "10");

        Assert.True(exitCode == 0, $"node exited {exitCode}: {stdout} {stderr}");
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.True(root.GetProperty("ok").GetBoolean());
        Assert.Equal("mcptunnel-hello", root.GetProperty("serverInfo").GetProperty("name").GetString());
        Assert.Equal(["hello", "countdown"], root.GetProperty("tools").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("Hello, tunnel!", root.GetProperty("hello").GetProperty("text").GetString());
        Assert.Equal(3, root.GetProperty("progress").GetProperty("count").GetInt32());
        Assert.Equal(3, root.GetProperty("progress").GetProperty("beforeResult").GetInt32());
    }

    [Fact]
    public async Task NodeClient_NothingListening_PrintsFailureAndExits1()
    {
        var (exitCode, stdout, _) = await RunNodeClientAsync("http://127.0.0.1:1/mcp");

        Assert.Equal(1, exitCode);
        using var json = JsonDocument.Parse(stdout);
        Assert.False(json.RootElement.GetProperty("ok").GetBoolean());
    }

    internal static async Task<(int ExitCode, string Stdout, string Stderr)> RunNodeClientAsync(params string[] args)
    {
        var nodeDir = Path.Combine(RepoRoot(), "tests", "node");
        Assert.True(Directory.Exists(Path.Combine(nodeDir, "node_modules", "@modelcontextprotocol", "sdk")),
            $"npm peers missing: run `npm ci` in {nodeDir} (./test.sh does).");

        var start = new ProcessStartInfo("node") { WorkingDirectory = nodeDir, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("mcp-client.mjs");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, (await stdout).Trim(), await stderr);
    }

    /// <summary>The folder holding McpTunnel.slnx, found by walking up from the test binaries.</summary>
    internal static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "McpTunnel.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"McpTunnel.slnx not found above {AppContext.BaseDirectory}.");
    }
}
