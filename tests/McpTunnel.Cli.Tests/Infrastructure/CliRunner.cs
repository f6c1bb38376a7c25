using System.CommandLine;
using McpTunnel.Cli.Terminal;

namespace McpTunnel.Cli.Tests.Infrastructure;

/// <summary>Runs <c>mcptunnel ARGS</c> in-process through the real command tree and contract, capturing stdout and stderr.</summary>
internal static class CliRunner
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CliInvocation.RunAsync(CliApp.CreateRootCommand(), args, new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
