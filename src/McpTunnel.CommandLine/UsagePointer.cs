namespace McpTunnel.CommandLine;

/// <summary>
/// The last line of every usage error of the three executables: where the help is, not the help itself (the whole
/// help would bury the one line that says what is wrong). docs/CLI.md "Usage errors".
/// </summary>
internal static class UsagePointer
{
    /// <summary>Exit code of a wrong invocation, as Go's flag package uses it.</summary>
    public const int ExitCode = 2;

    /// <summary><c>Run 'mcptunnel certs server --help' for usage.</c> for the command path the user was typing.</summary>
    public static string For(string commandPath) => $"Run '{commandPath} --help' for usage.";
}
