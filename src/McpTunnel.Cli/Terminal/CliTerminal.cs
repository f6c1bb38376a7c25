namespace McpTunnel.Cli.Terminal;

/// <summary>
/// Whether a person is at the keyboard. Prompts and Spectre rendering happen only then; pipes, CI and
/// tests get plain lines. (Namespace <c>Terminal</c>, not <c>Console</c>, so <c>Console.*</c> keeps
/// meaning <see cref="System.Console"/> everywhere under <c>McpTunnel.Cli</c>.)
/// </summary>
internal static class CliTerminal
{
    public static bool IsInteractive => !System.Console.IsInputRedirected && !System.Console.IsOutputRedirected;
}
