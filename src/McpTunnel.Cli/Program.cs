using McpTunnel.Cli.Terminal;

namespace McpTunnel.Cli;

internal static class Program
{
    public static Task<int> Main(string[] args) => CliInvocation.RunAsync(CliApp.CreateRootCommand(), args);
}
