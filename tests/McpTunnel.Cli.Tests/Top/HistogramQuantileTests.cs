using McpTunnel.Cli.Top;

namespace McpTunnel.Cli.Tests.Top;

public sealed class HistogramQuantileTests
{
    [Fact]
    public void RankInsideABucket_IsInterpolatedLinearly_AsPrometheusDoes()
    {
        var buckets = new Dictionary<double, double> { [0.1] = 50, [0.2] = 100, [double.PositiveInfinity] = 100 };

        Assert.Equal(0.1, HistogramQuantile.Estimate(0.5, buckets)!.Value, 6);
        Assert.Equal(0.15, HistogramQuantile.Estimate(0.75, buckets)!.Value, 6);
    }

    [Fact]
    public void RankInTheInfBucket_AnswersTheHighestFiniteBound()
    {
        var buckets = new Dictionary<double, double> { [0.1] = 1, [double.PositiveInfinity] = 10 };

        Assert.Equal(0.1, HistogramQuantile.Estimate(0.99, buckets));
    }

    [Fact]
    public void NoObservationsOrNoInfBucket_AnswersNothing()
    {
        Assert.Null(HistogramQuantile.Estimate(0.5, new Dictionary<double, double> { [0.1] = 0, [double.PositiveInfinity] = 0 }));
        Assert.Null(HistogramQuantile.Estimate(0.5, new Dictionary<double, double> { [0.1] = 3 }));
    }
}
