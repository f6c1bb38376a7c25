using System.CommandLine;
using McpTunnel.Common;

namespace McpTunnel.Cli.Terminal;

/// <summary>
/// Runs the command tree under the CLI contract shared with <c>mcp-proxy</c> and <c>setup</c>: exit 0 success,
/// 1 a check or the work failed, 2 the invocation is wrong (parse errors and each command's own argument checks,
/// both followed by the <c>--help</c> pointer); <c>--version</c> prints <see cref="ProgramVersion"/>'s line.
/// </summary>
internal static class CliInvocation
{
    public static async Task<int> RunAsync(RootCommand root, IReadOnlyList<string> args, InvocationConfiguration? io = null, CancellationToken cancellationToken = default)
    {
        io ??= new InvocationConfiguration();
        UseVersionLine(root);
        var result = root.Parse(args);
        if (result.Errors.Count > 0 && result.Action is not VersionOptionAction)
        {
            return UsageError.Report(io.Error, result);
        }

        var exit = await result.InvokeAsync(io, cancellationToken);
        if (exit == UsageError.ExitCode)
        {
            UsageError.WritePointer(io.Error, result);
        }

        return exit;
    }

    private static void UseVersionLine(RootCommand root)
    {
        foreach (var option in root.Options.OfType<VersionOption>())
        {
            option.Action = new VersionOptionAction();
        }
    }

    private sealed class VersionOptionAction : System.CommandLine.Invocation.SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(ProgramVersion.Describe("mcptunnel", typeof(CliInvocation).Assembly));
            return 0;
        }
    }
}
