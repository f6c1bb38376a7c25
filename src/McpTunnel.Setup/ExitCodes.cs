namespace McpTunnel.Setup;

/// <summary>Process exit codes, as Go's <c>flag</c> package uses them.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int Usage = McpTunnel.CommandLine.UsagePointer.ExitCode;
}
