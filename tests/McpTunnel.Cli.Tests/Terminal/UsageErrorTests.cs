using McpTunnel.Cli.Tests.Infrastructure;

namespace McpTunnel.Cli.Tests.Terminal;

/// <summary>
/// The usage-error contract through the real command tree: exit 2, one line naming the command and what is
/// wrong (in words, never a .NET type), then the pointer to that command's --help; nothing on stdout.
/// </summary>
public sealed class UsageErrorTests
{
    [Theory]
    [InlineData("mcptunnel demo: --port expects a whole number, got 'abc'", "demo", "--port", "abc")]
    [InlineData("mcptunnel hello: --port expects a whole number, got '1.5'", "hello", "--port", "1.5")]
    [InlineData("mcptunnel certs server: --days expects a whole number, got 'ten'", "certs", "server", "--domain", "d.example", "--days", "ten")]
    [InlineData("mcptunnel certs server: unknown option '--bogus'", "certs", "server", "--bogus")]
    [InlineData("mcptunnel: unknown command 'nope' (commands: demo, edge, hello, certs, check, quickstart, doctor, top, audit)", "nope")]
    [InlineData("mcptunnel certs: a command is required: one of ca, server, renew, check", "certs")]
    [InlineData("mcptunnel check: unexpected argument 'b.yaml'", "check", "a.yaml", "b.yaml")]
    [InlineData("mcptunnel: unknown command 'bench' (commands: demo, edge, hello, certs, check, quickstart, doctor, top, audit)", "bench")]
    public async Task ParseError_IsOneLineThenTheHelpPointer_ExitTwo(string expected, params string[] args)
    {
        var (exit, output, error) = await CliRunner.RunAsync(args);

        Assert.Equal(2, exit);
        Assert.Empty(output);
        var command = expected[..expected.IndexOf(':', StringComparison.Ordinal)];
        Assert.Equal([expected, $"Run '{command} --help' for usage."], Lines(error));
        Assert.DoesNotContain("System.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CommandOwnCheck_AlsoEndsWithThePointer_ExitTwo()
    {
        var (exit, _, error) = await CliRunner.RunAsync("certs", "check");

        Assert.Equal(2, exit);
        Assert.Equal(["certs check: give --ca FILE and/or --cert FILE", "Run 'mcptunnel certs check --help' for usage."], Lines(error));
    }

    [Fact]
    public async Task MisspeltOptionAndMissingRequiredOne_ReportsTheMisspellingFirst()
    {
        var (exit, _, error) = await CliRunner.RunAsync("certs", "server", "--domian", "d.example");

        Assert.Equal(2, exit);
        Assert.StartsWith("mcptunnel certs server: unknown option '--domian'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ListsTheOperatorCommands_NotTheBenchmark()
    {
        var (exit, output, _) = await CliRunner.RunAsync("--help");

        Assert.Equal(0, exit);
        Assert.Contains("  doctor ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("bench", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_IsTheSharedFormat()
    {
        var (exit, output, _) = await CliRunner.RunAsync("--version");

        Assert.Equal(0, exit);
        Assert.Matches(@"^mcptunnel \d+\.\d+\.\d+( \(commit [0-9a-f]{7}\))?\r?\n$", output);
    }

    internal static string[] Lines(string text) => text.TrimEnd().Split(Environment.NewLine);
}
