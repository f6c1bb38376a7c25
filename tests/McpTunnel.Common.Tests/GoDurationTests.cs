using CsCheck;

namespace McpTunnel.Common.Tests;

/// <summary>Go duration syntax as operators copy it from the docs.</summary>
public sealed class GoDurationTests
{
    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("2160h", 2160L * 3600 * 1000)]
    [InlineData("720h", 720L * 3600 * 1000)]
    [InlineData("1h30m", 90L * 60 * 1000)]
    [InlineData("1.5s", 1500)]
    [InlineData("250ms", 250)]
    [InlineData("0", 0)]
    [InlineData("-2m", -120_000)]
    [InlineData("1h0m0s", 3600_000)]
    public void ValidDuration_Parses(string text, long milliseconds)
    {
        Assert.True(GoDuration.TryParse(text, out var value, out var error), error);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("", "invalid duration")]
    [InlineData("30", "missing unit")]
    [InlineData("30 seconds", "unknown unit")]
    [InlineData("1d", "unknown unit \"d\"")]
    [InlineData("h", "invalid duration")]
    [InlineData("11111111111111111111111111s", "invalid duration")] // overflowed decimal before the fix (fuzzing)
    [InlineData("1555555555555555555555.5h", "invalid duration")]
    [InlineData("47203685477599990000m00m", "invalid duration")]
    public void InvalidDuration_FailsWithGoMessage(string text, string message)
    {
        Assert.False(GoDuration.TryParse(text, out _, out var error));
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2160 * 3600, "2160h")]
    [InlineData(90, "1m30s")]
    [InlineData(0, "0s")]
    public void Format_RoundTrips(int seconds, string text)
    {
        Assert.Equal(text, GoDuration.Format(TimeSpan.FromSeconds(seconds)));
        Assert.Equal(TimeSpan.FromSeconds(seconds), GoDuration.Parse(text));
    }

    [Fact]
    public void FormatThenParse_GivesBackTheSameDuration_ForAnyTickCount()
    {
        // Every TimeSpan but MinValue, whose negation does not exist.
        Gen.Long[-TimeSpan.MaxValue.Ticks, TimeSpan.MaxValue.Ticks].Sample(ticks =>
        {
            var value = TimeSpan.FromTicks(ticks);
            var text = GoDuration.Format(value);
            Assert.True(GoDuration.TryParse(text, out var parsed, out var error), $"{text}: {error}");
            Assert.Equal(value, parsed);
        });
    }

    [Fact]
    public void TryParse_NeverThrows_ForAnyText()
    {
        Gen.String[Gen.Char["0123456789.hmsuµn+- "], 0, 40].Sample(text =>
        {
            if (GoDuration.TryParse(text, out _, out var error))
            {
                Assert.Null(error);
            }
            else
            {
                Assert.StartsWith("time: ", error, StringComparison.Ordinal);
            }
        });
    }
}
