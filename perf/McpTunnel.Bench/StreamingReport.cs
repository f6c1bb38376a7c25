using System.Globalization;
using System.Text;
using static McpTunnel.Bench.Markdown;

namespace McpTunnel.Bench;

/// <summary>The SSE and bulk parts' sections: per-event latency (and what the hop adds over the direct path), bulk MiB/s.</summary>
internal static class StreamingReport
{
    public static void WriteSse(StringBuilder md, IReadOnlyDictionary<string, LatencyHistogram> sse, BenchOptions o)
    {
        Line(md, $"## SSE: upstream write → client read, per event ({o.SseEvents} events, {o.SseIntervalMs} ms apart, per round)");
        Line(md);
        Line(md, "| target | events | p50 ms | p99 ms | p99.9 ms | max ms | p50 added ms | p99 added ms |");
        Line(md, "|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, h) in sse)
        {
            var added = name.StartsWith("direct", StringComparison.Ordinal)
                ? " | "
                : $"{Millis(SseAddedMs(sse, name, 50))} | {Millis(SseAddedMs(sse, name, 99))}";
            Line(md, $"| {name} | {h.Count} | {h.PercentileMs(50):F3} | {h.PercentileMs(99):F3} | {h.PercentileMs(99.9):F3} | {h.Max.TotalMilliseconds:F3} | {added} |");
        }

        Line(md);
        Line(md, "Added = the target's percentile minus the direct path's, from the same rounds: what the hop costs beyond the host's own wake-up tail, which the direct path sees too.");
        Line(md);
    }

    public static void WriteBulk(StringBuilder md, IReadOnlyDictionary<string, List<double>> bulk, BenchOptions o)
    {
        Line(md, $"## Bulk: one {o.BulkMiB} MiB response");
        Line(md);
        Line(md, "| target | MiB/s (median) | runs |");
        Line(md, "|---|---:|---|");
        foreach (var (name, runs) in bulk)
        {
            Line(md, $"| {name} | {RequestResponseBench.Median(runs):F0} | {string.Join(", ", runs.Select(v => v.ToString("F0", CultureInfo.InvariantCulture)))} |");
        }

        Line(md);
    }

    /// <summary>
    /// Per tunnel target, the p99 latency it adds over the direct path. The absolute figure stays beside it: on a quiet
    /// host both are small, on a noisy one the difference is what the proxy is answerable for.
    /// </summary>
    public static IEnumerable<Measurement> Measure(IReadOnlyDictionary<string, LatencyHistogram> sse)
    {
        foreach (var (name, h) in sse.Where(s => s.Key.StartsWith("tunnel", StringComparison.Ordinal)))
        {
            if (SseAddedMs(sse, name, 99) is { } added)
            {
                var absolute = h.PercentileMs(99);
                yield return new("sse.added_p99_ms", name, added, $"{added:F3} ms (tunnel {absolute:F3}, direct {absolute - added:F3})");
            }
        }
    }

    /// <summary>
    /// The latency an SSE target adds over the direct path at one percentile: the difference of the two percentiles
    /// measured in the same rounds (events of different streams cannot be paired one by one). Null without a direct run.
    /// </summary>
    internal static double? SseAddedMs(IReadOnlyDictionary<string, LatencyHistogram> sse, string name, double percentile) =>
        sse.FirstOrDefault(s => s.Key.StartsWith("direct", StringComparison.Ordinal)).Value is { } direct
            ? sse[name].PercentileMs(percentile) - direct.PercentileMs(percentile)
            : null;
}
