using McpTunnel.Cli.Bench;

namespace McpTunnel.Cli.Tests.Bench;

/// <summary>The targets table gives each round's ratio next to the median, so a reader can see how much the host's noise moved it.</summary>
public sealed class BenchReportTests
{
    private static LoadResult Run(int requests, double seconds)
    {
        var histogram = new LatencyHistogram();
        for (var i = 0; i < requests; i++)
        {
            histogram.Record(1_000_000);
        }

        return new LoadResult(histogram, 0, TimeSpan.FromSeconds(seconds));
    }

    [Fact]
    public void RoundRatios_PairTheSameRoundOfEachTarget()
    {
        var result = new RequestResponseResult(
            new Version(1, 1),
            [],
            new Dictionary<string, List<LoadResult>>
            {
                ["tunnel"] = [Run(600, 1), Run(700, 1), Run(800, 1)],
                ["nginx"] = [Run(1000, 1), Run(1000, 1), Run(1600, 1)],
            },
            new Dictionary<string, List<LoadResult>>(),
            100);

        var ratios = result.RoundRatios("tunnel", "nginx", x => x.RequestsPerSecond);

        Assert.Equal([0.6, 0.7, 0.5], ratios.Select(x => Math.Round(x, 3)));
    }

    [Fact]
    public void PerRound_ListsEveryRound_AndNothingForASingleRound()
    {
        Assert.Equal(" (rounds: 0.60×, 0.70×, 0.50×)", BenchReport.PerRound([0.6, 0.7, 0.5]));
        Assert.Equal("", BenchReport.PerRound([0.6]));
    }

    [Fact]
    public void SseAddedMs_IsTheTargetsPercentileMinusTheDirectPaths()
    {
        var sse = new Dictionary<string, LatencyHistogram>
        {
            ["direct h1.1"] = Histogram(100, 2_000_000),
            ["tunnel h1.1"] = Histogram(100, 3_500_000),
        };

        var added = BenchReport.SseAddedMs(sse, "tunnel h1.1", 99);

        Assert.NotNull(added);
        Assert.Equal(1.5, added.Value, precision: 1);
    }

    [Fact]
    public void SseAddedMs_WithoutADirectRun_IsNull()
    {
        var sse = new Dictionary<string, LatencyHistogram> { ["tunnel h2"] = Histogram(10, 1_000_000) };

        Assert.Null(BenchReport.SseAddedMs(sse, "tunnel h2", 99));
    }

    private static LatencyHistogram Histogram(int events, long nanoseconds)
    {
        var histogram = new LatencyHistogram();
        for (var i = 0; i < events; i++)
        {
            histogram.Record(nanoseconds);
        }

        return histogram;
    }
}
