namespace McpTunnel.Cli.Terminal;

/// <summary>The fixed-width marks every diagnostic command prints, so output lines are easy to grep.</summary>
internal static class CheckMark
{
    public const string Pass = "PASS";
    public const string Fail = "FAIL";
    public const string Warn = "WARN";
    public const string Skip = "SKIP";

    public static string For(bool passed) => passed ? Pass : Fail;
}
