using McpTunnel.Cli.Bench;

namespace McpTunnel.Cli.Tests.Bench;

/// <summary>Issue 7: CI runs the harness only in smoke mode, to keep it working; the figures mean nothing here.</summary>
public sealed class BenchSmokeTests
{
    [Fact]
    public async Task SmokeRun_AllParts_WritesReportAndCharts()
    {
        var directory = Directory.CreateTempSubdirectory("mcptunnel-bench-test-").FullName;
        try
        {
            // nginx is skipped (and the output says so) when it is not installed; in process keeps CI free of child processes.
            var options = BenchOptions.ForSmoke(directory) with { Handshakes = 10, IdleCounts = [20] };
            using var log = new StringWriter();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));

            var results = await BenchRunner.RunAsync(options, "mcptunnel bench --smoke", log, timeout.Token);

            var report = await File.ReadAllTextAsync(Path.Combine(directory, "report.md"));
            Assert.Equal(2, results.RequestResponse.Count);
            Assert.All(results.RequestResponse, rr => Assert.True(rr.Closed.Values.All(runs => runs.All(r => r.Errors == 0 && r.Histogram.Count > 0))));
            Assert.Contains("| tunnel h1.1 |", report, StringComparison.Ordinal);
            Assert.Contains("| tunnel h2 |", report, StringComparison.Ordinal);
            Assert.Contains("## Targets (issue 7)", report, StringComparison.Ordinal);
            Assert.Equal(20, results.Idle!.Rows[0].Tunnels);
            Assert.All(results.Handshakes!, h => Assert.Equal(10, h.Done));
            Assert.StartsWith("<svg", await File.ReadAllTextAsync(Path.Combine(directory, "latency-closed.svg")), StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(directory, "latency-open.svg")));
            if (NginxPeer.FindBinary() is null)
            {
                Assert.Contains("nginx is not installed", log.ToString(), StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(1_000)]
    [InlineData(1_234_567)]
    [InlineData(987_654_321_000)]
    public void Histogram_BucketHoldsTheValue_WithinThreePercent(long value)
    {
        var index = LatencyHistogram.IndexOf(value);
        var upper = LatencyHistogram.UpperBound(index);

        Assert.InRange(value, 0, upper);
        Assert.True(upper - value <= Math.Max(1, value / 32), $"{value} → bucket upper bound {upper}");
    }

    [Fact]
    public void Histogram_Percentiles_FollowTheRecordedValues()
    {
        var histogram = new LatencyHistogram();
        for (var i = 1; i <= 1000; i++)
        {
            histogram.Record(i * 1_000_000L); // 1..1000 ms
        }

        Assert.InRange(histogram.PercentileMs(50), 500, 500 * 1.04);
        Assert.InRange(histogram.PercentileMs(99), 990, 990 * 1.04);
        Assert.Equal(1000, histogram.PercentileMs(100), 3);
    }
}
