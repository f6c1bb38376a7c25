namespace McpTunnel.Setup.Tests.Support;

/// <summary>What one in-process run of <c>setup</c> returned and printed.</summary>
public sealed record SetupResult(int ExitCode, string Out, string Error)
{
    public string All => Out + Error;

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}--- stderr\n{Error}";
}
