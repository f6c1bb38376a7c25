using System.Text;
using System.Text.Json;
using McpTunnel.Cli.Tests.Infrastructure;
using McpTunnel.Proxy.Audit;
using McpTunnel.Testing;

namespace McpTunnel.Cli.Tests.Audit;

/// <summary><c>mcptunnel audit verify</c> by the CLI contract: 0 intact (a torn tail included), 1 tampered or unreadable, 2 usage; <c>--json</c>.</summary>
public sealed class AuditVerifyCommandTests
{
    private static string[] Chain(int count)
    {
        using var json = new AuditRecordJson();
        var lines = new string[count];
        string? prev = null;
        for (var i = 0; i < count; i++)
        {
            var line = i == 0 ? json.Anchor(i, DateTimeOffset.UnixEpoch, "mcp-proxy test", null, "start", prev) : json.Dropped(i, DateTimeOffset.UnixEpoch, "queue", i, prev);
            lines[i] = Encoding.UTF8.GetString(line.Span);
            prev = AuditChain.HashOf(line.Span);
        }

        return lines;
    }

    [Fact]
    public async Task IntactFile_WithATornTail_ExitsZero()
    {
        using var directory = new TempDirectory();
        var lines = Chain(4);
        var path = directory.Write("audit.jsonl", string.Concat(lines.Select(l => l + "\n")) + "{\"audit\":1,\"se");

        var (exit, output, _) = await CliRunner.RunAsync("audit", "verify", path);

        Assert.Equal(0, exit);
        Assert.Contains("torn tail", output, StringComparison.Ordinal);
        Assert.Contains("4 record(s)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemovedRecord_ExitsOne_NamingFileAndLine_AlsoInJson()
    {
        using var directory = new TempDirectory();
        var lines = Chain(5).ToList();
        lines.RemoveAt(2);
        var path = directory.Write("audit.jsonl", string.Concat(lines.Select(l => l + "\n")));

        var (exit, output, _) = await CliRunner.RunAsync("audit", "verify", path);
        var (jsonExit, json, _) = await CliRunner.RunAsync("audit", "verify", path, "--json");

        Assert.Equal((1, 1), (exit, jsonExit));
        Assert.Contains($"{path}:3: removed", output, StringComparison.Ordinal);
        var problem = JsonDocument.Parse(json).RootElement.GetProperty("problem");
        Assert.Equal((path, 3, "removed"), (problem.GetProperty("file").GetString(), problem.GetProperty("line").GetInt32(), problem.GetProperty("kind").GetString()));
    }

    [Fact]
    public async Task MissingFile_ExitsOne_NoFile_ExitsTwo()
    {
        var (missing, _, error) = await CliRunner.RunAsync("audit", "verify", "/nonexistent/audit.jsonl");
        var (usage, _, _) = await CliRunner.RunAsync("audit", "verify");

        Assert.Equal((1, 2), (missing, usage));
        Assert.Contains("cannot read", error, StringComparison.Ordinal);
    }
}
