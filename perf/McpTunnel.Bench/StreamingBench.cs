using System.Diagnostics;
using System.Globalization;

namespace McpTunnel.Bench;

/// <summary>
/// Part 2: SSE latency per event (the upstream's timestamp just before its write → this client's read of the line)
/// and bulk throughput (MiB/s for one large response), per target, alternating rounds.
/// </summary>
internal static class StreamingBench
{
    public static IReadOnlyList<BenchTarget> AllTargets(BenchStack stack, BenchOptions options)
    {
        var targets = new List<BenchTarget>();
        foreach (var protocol in options.Protocols)
        {
            foreach (var target in stack.Targets(protocol == "2" ? System.Net.HttpVersion.Version20 : System.Net.HttpVersion.Version11))
            {
                if (targets.All(t => t.Name != target.Name))
                {
                    targets.Add(target);
                }
            }
        }

        return targets;
    }

    public static async Task<IReadOnlyDictionary<string, LatencyHistogram>> SseAsync(BenchStack stack, BenchOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        var targets = AllTargets(stack, options);
        var results = targets.ToDictionary(t => t.Name, _ => new LatencyHistogram());
        for (var round = 0; round < options.Runs; round++)
        {
            foreach (var target in RequestResponseBench.Rotate(targets, round))
            {
                using var invoker = target.CreateInvoker();
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(60));
                using var request = target.Get($"sse?events={options.SseEvents}&interval={options.SseIntervalMs}");
                using var response = await invoker.SendAsync(request, timeout.Token);
                response.EnsureSuccessStatusCode();
                await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
                using var reader = new StreamReader(stream);
                var histogram = new LatencyHistogram();
                while (await reader.ReadLineAsync(timeout.Token) is { } line)
                {
                    var now = Stopwatch.GetTimestamp();
                    if (line.StartsWith("data: ", StringComparison.Ordinal) && long.TryParse(line.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out var written))
                    {
                        histogram.RecordSince(written, now);
                    }
                }

                results[target.Name].Add(histogram);
                await log.WriteLineAsync($"  sse     {target.Name,-12} events {histogram.Count,5}  p50 {histogram.PercentileMs(50),6:F3} ms  p99 {histogram.PercentileMs(99),6:F3} ms");
            }
        }

        return results;
    }

    public static async Task<IReadOnlyDictionary<string, List<double>>> BulkAsync(BenchStack stack, BenchOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        var targets = AllTargets(stack, options);
        var results = targets.ToDictionary(t => t.Name, _ => new List<double>());
        var buffer = new byte[64 * 1024];
        for (var round = 0; round < options.Runs; round++)
        {
            foreach (var target in RequestResponseBench.Rotate(targets, round))
            {
                using var invoker = target.CreateInvoker();
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(120));
                var started = Stopwatch.GetTimestamp();
                using var request = target.Get($"bulk?mib={options.BulkMiB}");
                using var response = await invoker.SendAsync(request, timeout.Token);
                response.EnsureSuccessStatusCode();
                await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
                long total = 0;
                int read;
                while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
                {
                    total += read;
                }

                var mibPerSecond = total / 1048576.0 / Stopwatch.GetElapsedTime(started).TotalSeconds;
                results[target.Name].Add(mibPerSecond);
                await log.WriteLineAsync($"  bulk    {target.Name,-12} {total / 1048576.0,5:F0} MiB  {mibPerSecond,8:F0} MiB/s");
            }
        }

        return results;
    }
}
