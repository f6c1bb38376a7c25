using McpTunnel.Bench;

namespace McpTunnel.Bench.Tests;

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
        Assert.Equal(" (rounds: 0.60×, 0.70×, 0.50×)", Markdown.PerRound([0.6, 0.7, 0.5]));
        Assert.Equal("", Markdown.PerRound([0.6]));
    }

    [Fact]
    public void SseAddedMs_IsTheTargetsPercentileMinusTheDirectPaths()
    {
        var sse = new Dictionary<string, LatencyHistogram>
        {
            ["direct h1.1"] = Histogram(100, 2_000_000),
            ["tunnel h1.1"] = Histogram(100, 3_500_000),
        };

        var added = StreamingReport.SseAddedMs(sse, "tunnel h1.1", 99);

        Assert.NotNull(added);
        Assert.Equal(1.5, added.Value, precision: 1);
    }

    [Fact]
    public void SseAddedMs_WithoutADirectRun_IsNull()
    {
        var sse = new Dictionary<string, LatencyHistogram> { ["tunnel h2"] = Histogram(10, 1_000_000) };

        Assert.Null(StreamingReport.SseAddedMs(sse, "tunnel h2", 99));
    }

    [Fact]
    public void IdlePart_TwoBinaries_ReportsTheIdleSseStreamRowsPerPass_AndTheComparison()
    {
        IdleResult Pass(string binary, int round, long streamBytes) =>
            new(true, 100L << 20, 2.0, 500, [new IdleRow(1000, 0, 30L << 20, 2.5, 0) { RssDeltaAfterUse = 32L << 20 }])
            {
                Binary = binary,
                Round = round,
                Streams = new IdleStreamResult(500, 0, streamBytes * 500, 500, 0, 12L * 1024 * 500),
            };
        var results = new BenchResults { Options = new BenchOptions { OutputDirectory = "/tmp" }, CommandLine = "mcptunnel-bench --parts idle" };
        results.Idle = [Pass("/before/mcp-proxy.dll", 0, 105 * 1024), Pass("/after/mcp-proxy.dll", 0, 40 * 1024), Pass("/after/mcp-proxy.dll", 1, 42 * 1024), Pass("/before/mcp-proxy.dll", 1, 107 * 1024)];

        var report = BenchReport.Render(results, []);

        Assert.Contains("## Idle tunnels (round 1, mcp-proxy `/before/mcp-proxy.dll`)", report, StringComparison.Ordinal);
        Assert.Contains("| 500 | tunnel (mcp-proxy) | 51.3 | 105.0 | n/a | 0 |", report, StringComparison.Ordinal);
        Assert.Contains("| 500 | direct (upstream + client) | n/a | n/a | 12.0 | 0 |", report, StringComparison.Ordinal);
        Assert.Contains("| 2 | `/before/mcp-proxy.dll` | 1000 | 30.7 | 32.8 | 107.0 | 12.0 |", report, StringComparison.Ordinal);
        Assert.Contains("Median over rounds, `/before/mcp-proxy.dll`: 106.0 KB of RSS per idle SSE stream", report, StringComparison.Ordinal);
        Assert.Contains("Median over rounds, `/after/mcp-proxy.dll`: 41.0 KB of RSS per idle SSE stream", report, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\n\r\ne\r\ndata: 1\n\n")]
    [InlineData("e\r\ndat|a: 1\n\n")]
    [InlineData("dd|data|:| ")]
    public void MatchEventStart_FindsTheEventWhereverTheReadsSplitIt(string readsSplitByBar)
    {
        var matched = 0;
        foreach (var read in readsSplitByBar.Split('|'))
        {
            matched = IdleTunnelBench.MatchEventStart(System.Text.Encoding.ASCII.GetBytes(read), matched);
        }

        Assert.Equal(6, matched);
    }

    [Fact]
    public void MatchEventStart_JsonAnswerIsNoEvent()
    {
        Assert.True(IdleTunnelBench.MatchEventStart(BenchUpstream.ToolsCallResult, 0) < 6);
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
