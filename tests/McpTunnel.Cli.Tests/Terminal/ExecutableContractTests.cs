using System.Diagnostics;
using System.Text.RegularExpressions;

namespace McpTunnel.Cli.Tests.Terminal;

/// <summary>
/// The CLI contract of the three built executables, each run as a real process (<c>dotnet X.dll</c> from this
/// test's output, where the project references copy them): a wrong invocation exits 2 with its error first and
/// <c>Run 'X … --help' for usage.</c> last on stderr, nothing on stdout and no .NET type name; <c>--help</c> exits 0;
/// <c>--version</c> prints <c>NAME X.Y.Z</c> with an optional <c>(commit abc1234)</c>.
/// </summary>
public sealed partial class ExecutableContractTests
{
    public static TheoryData<string, string[], string> WrongInvocations() => new()
    {
        { "mcptunnel", ["certs", "server", "--bogus"], "mcptunnel certs server: unknown option '--bogus'" },
        { "mcptunnel", ["demo", "--port", "abc"], "mcptunnel demo: --port expects a whole number, got 'abc'" },
        { "mcptunnel", ["doctor", "--timeout", "soon"], "mcptunnel doctor: --timeout expects a duration such as 30s, 5m or 720h (or a number of seconds), got 'soon' (time: invalid duration \"soon\")" },
        { "mcptunnel", ["certs", "check"], "certs check: give --ca FILE and/or --cert FILE" },
        { "mcp-proxy", ["-bogus"], "mcp-proxy: flag provided but not defined: -bogus" },
        { "mcp-proxy", ["-config"], "mcp-proxy: flag needs an argument: -config" },
        { "mcp-proxy", ["stray"], "mcp-proxy: unexpected argument \"stray\"" },
        { "setup", ["renew-cert", "--bogus=1"], "error: unknown flag --bogus" },
        { "setup", ["renew-cert", "--output=dir:/data", "--cert-duration=90d"], "error: --cert-duration: time: unknown unit \"d\" in duration \"90d\": use a Go duration such as 2160h or 720h" },
        { "setup", [], "error: no command given" },
    };

    [Theory]
    [MemberData(nameof(WrongInvocations))]
    public async Task WrongInvocation_ExitsTwoWithTheErrorAndTheHelpPointer(string program, string[] args, string firstLine)
    {
        var (exit, output, error) = await RunAsync(program, args);

        Assert.True(exit == 2, $"exit {exit}\n{error}");
        Assert.Empty(output);
        var lines = error.TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal(firstLine, lines[0]);
        Assert.Matches(HelpPointer(), lines[^1]);
        Assert.StartsWith($"Run '{program}", lines[^1], StringComparison.Ordinal);

        // One problem, said once: mcptunnel and mcp-proxy print just the two lines; setup may add its "fix:" line.
        Assert.InRange(lines.Length, 2, program == "setup" ? 3 : 2);
        Assert.DoesNotMatch(DotNetTypeName(), error);
    }

    [Theory]
    [InlineData("mcptunnel", "--help")]
    [InlineData("mcptunnel", "certs", "server", "--help")]
    [InlineData("mcp-proxy", "--help")]
    [InlineData("mcp-proxy", "-help")]
    [InlineData("setup", "--help")]
    [InlineData("setup", "renew-cert", "-h")]
    public async Task Help_ExitsZeroWithUsageOnStdout(string program, params string[] args)
    {
        var (exit, output, error) = await RunAsync(program, args);

        Assert.True(exit == 0, error);
        Assert.Contains("Usage", output, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(error);
    }

    [Theory]
    [InlineData("mcptunnel", "--version")]
    [InlineData("mcp-proxy", "-version")]
    [InlineData("mcp-proxy", "--version")]
    [InlineData("setup", "--version")]
    [InlineData("setup", "-version")]
    public async Task Version_IsOneLineInTheSharedFormat(string program, string flag)
    {
        var (exit, output, _) = await RunAsync(program, [flag]);

        Assert.Equal(0, exit);
        Assert.Matches($@"^{Regex.Escape(program)} \d+\.\d+\.\d+( \(commit [0-9a-f]{{7}}\))?\r?\n$", output);
    }

    [Fact]
    public async Task Version_IsTheSameReleaseAndCommitInAllThree()
    {
        var lines = new List<string>();
        foreach (var program in new[] { "mcptunnel", "mcp-proxy", "setup" })
        {
            var (_, output, _) = await RunAsync(program, ["--version"]);
            lines.Add(output.Trim()[(program.Length + 1)..]);
        }

        Assert.Single(lines.Distinct());
    }

    internal static async Task<(int Exit, string Output, string Error)> RunAsync(string program, IReadOnlyList<string> args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, program + ".dll");
        Assert.True(File.Exists(dll), $"{dll} is not next to the tests (project reference missing?)");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Outside a pod: setup must not pick the Kubernetes default output.
        start.Environment.Remove("KUBERNETES_SERVICE_HOST");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    [GeneratedRegex(@"^Run '[a-z-]+( [a-z-]+)* --help' for usage\.$")]
    private static partial Regex HelpPointer();

    /// <summary>A CLR type as System.CommandLine would print it: <c>System.Int32</c>, <c>System.Nullable`1[…]</c>.</summary>
    [GeneratedRegex(@"System\.[A-Z][A-Za-z]+|`\d")]
    private static partial Regex DotNetTypeName();
}
