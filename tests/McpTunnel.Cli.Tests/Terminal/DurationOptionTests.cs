using System.CommandLine;
using McpTunnel.CommandLine;

namespace McpTunnel.Cli.Tests.Terminal;

/// <summary>One duration convention: Go durations everywhere; a bare number is seconds only where it was before.</summary>
public sealed class DurationOptionTests
{
    [Theory]
    [InlineData("5", 5_000)]
    [InlineData("2.5", 2_500)]
    [InlineData("30s", 30_000)]
    [InlineData("500ms", 500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h30m", 5_400_000)]
    public void SecondsOrDuration_ReadsGoDurationsAndBareSeconds(string text, long milliseconds)
    {
        var option = DurationOption.SecondsOrDuration("--timeout", "Time per step", TimeSpan.FromSeconds(10));
        var command = new RootCommand { option };

        var result = command.Parse(["--timeout", text]);

        Assert.Empty(result.Errors);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), option.Read(result));
    }

    [Fact]
    public void SecondsOrDuration_Absent_IsTheDefault()
    {
        var option = DurationOption.SecondsOrDuration("--timeout", "Time per step", TimeSpan.FromSeconds(10));

        Assert.Equal(TimeSpan.FromSeconds(10), option.Read(new RootCommand { option }.Parse([])));
        Assert.Contains("(default 10s)", option.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ShowsTheDefaultAsAGoDurationOnly()
    {
        var (_, output, _) = await Infrastructure.CliRunner.RunAsync("doctor", "--help");

        Assert.Contains("(default 10s)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("00:00:10", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("soon", "--timeout expects a duration such as 30s, 5m or 720h (or a number of seconds), got 'soon'")]
    [InlineData("5d", "--timeout expects a duration such as 30s, 5m or 720h (or a number of seconds), got '5d'")]
    [InlineData("0", "--timeout must be positive, got '0'")]
    [InlineData("-3s", "--timeout must be positive, got '-3s'")]
    public void SecondsOrDuration_BadValue_IsAParseErrorInWords(string text, string expected)
    {
        var option = DurationOption.SecondsOrDuration("--timeout", "Time per step", TimeSpan.FromSeconds(10));

        var result = new RootCommand { option }.Parse(["--timeout", text]);

        Assert.StartsWith(expected, Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_WithoutSeconds_RefusesABareNumberAsGoDoes()
    {
        Assert.False(DurationOption.TryParse("90", acceptSeconds: false, out _, out var error));
        Assert.Contains("missing unit", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(10_000, "10s")]
    [InlineData(300_000, "5m")]
    [InlineData(7_776_000_000, "2160h")]
    [InlineData(250, "250ms")]
    public void Format_GivesTheShortestGoSpelling(long milliseconds, string expected) =>
        Assert.Equal(expected, DurationOption.Format(TimeSpan.FromMilliseconds(milliseconds)));
}
