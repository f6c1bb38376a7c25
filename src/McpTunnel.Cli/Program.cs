namespace McpTunnel.Cli;

internal static class Program
{
    public static Task<int> Main(string[] args) => CliApp.CreateRootCommand().Parse(args).InvokeAsync();
}
