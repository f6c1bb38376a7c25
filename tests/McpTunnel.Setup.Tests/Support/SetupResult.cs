namespace McpTunnel.Setup.Tests.Support;

/// <summary>What one in-process run of <c>setup</c> returned and printed.</summary>
public sealed record SetupResult(int ExitCode, string Out, string Error)
{
    public string All => Out + Error;

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}--- stderr\n{Error}";

    /// <summary>Asserts the run exited with <paramref name="exitCode"/> and that its error output holds each of <paramref name="errorTexts"/>.</summary>
    public void AssertFailed(int exitCode, params string[] errorTexts)
    {
        Assert.True(ExitCode == exitCode, $"expected exit {exitCode}, got {this}");
        Assert.All(errorTexts, text => Assert.Contains(text, Error, StringComparison.Ordinal));
    }
}
