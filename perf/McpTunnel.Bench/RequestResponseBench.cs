namespace McpTunnel.Bench;

/// <summary>
/// Part 1: small JSON-RPC POSTs, per HTTP version. Closed loop at <see cref="BenchOptions.Concurrency"/> first (the
/// maximum rate of each target), then open loop at a fixed offered rate: half of nginx's median maximum unless
/// <c>--rate</c> says otherwise. Targets alternate within every round and the round order rotates, so noise from
/// other work on the machine falls on all of them alike.
/// </summary>
internal static class RequestResponseBench
{
    public static async Task<RequestResponseResult> RunAsync(BenchStack stack, Version version, BenchOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        var targets = stack.Targets(version);
        var closed = targets.ToDictionary(t => t.Name, _ => new List<LoadResult>());
        var open = targets.ToDictionary(t => t.Name, _ => new List<LoadResult>());

        // One pooled client per target for the whole part (connections and tunnels stay warm, as in production).
        var invokers = targets.ToDictionary(t => t.Name, t => t.CreateInvoker(options.Concurrency));
        try
        {
            foreach (var target in targets)
            {
                await LoadGenerator.ClosedLoopAsync(invokers[target.Name], target, options.Concurrency, options.Warmup, options.MaxRequests, cancellationToken);
            }

            for (var round = 0; round < options.Runs; round++)
            {
                foreach (var target in Rotate(targets, round))
                {
                    var result = await ClosedLoopWithCpuAsync(invokers[target.Name], target, options, cancellationToken);
                    closed[target.Name].Add(result);
                    await log.WriteLineAsync($"  closed  c={options.Concurrency,-4} {target.Name,-12} {result.RequestsPerSecond,9:F0} rps  p50 {result.Histogram.PercentileMs(50),6:F2} ms  p99 {result.Histogram.PercentileMs(99),6:F2} ms  errors {result.Errors}  CPU µs/req server {Micros(result.ServerCpuMicrosPerRequest)} client+upstream {Micros(result.ClientCpuMicrosPerRequest)}");
                }
            }

            var nginxName = targets.FirstOrDefault(t => t.Kind == "nginx")?.Name;
            var reference = nginxName ?? targets.First(t => t.Kind == "tunnel").Name;
            var rate = options.Rate > 0 ? options.Rate : Math.Max(100, (int)(Median(closed[reference].Select(r => r.RequestsPerSecond)) / 2));
            for (var round = 0; round < options.Runs; round++)
            {
                foreach (var target in Rotate(targets, round))
                {
                    var result = await LoadGenerator.OpenLoopAsync(invokers[target.Name], target, rate, options.Duration, options.MaxRequests, cancellationToken);
                    open[target.Name].Add(result);
                    await log.WriteLineAsync($"  open    r={rate,-6} {target.Name,-12} {result.RequestsPerSecond,9:F0} rps  p50 {result.Histogram.PercentileMs(50),6:F2} ms  p99 {result.Histogram.PercentileMs(99),6:F2} ms  errors {result.Errors}");
                }
            }

            return new RequestResponseResult(version, targets, closed, open, rate);
        }
        finally
        {
            foreach (var invoker in invokers.Values)
            {
                invoker.Dispose();
            }
        }
    }

    /// <summary>
    /// One closed-loop measurement with the CPU time used meanwhile by the server under test and by this process.
    /// The server is read outside this process's window, so reading nginx's /proc entries is not charged to the client.
    /// </summary>
    private static async Task<LoadResult> ClosedLoopWithCpuAsync(HttpMessageInvoker invoker, BenchTarget target, BenchOptions options, CancellationToken cancellationToken)
    {
        var serverBefore = target.ServerCpu?.Invoke();
        var clientBefore = Environment.CpuUsage.TotalTime;
        var result = await LoadGenerator.ClosedLoopAsync(invoker, target, options.Concurrency, options.Duration, options.MaxRequests, cancellationToken);
        var client = Environment.CpuUsage.TotalTime - clientBefore;
        var server = target.ServerCpu?.Invoke() - serverBefore;
        return result with { ServerCpu = server, ClientCpu = client };
    }

    /// <summary>Microseconds for tables and progress lines; "n/a" when not measurable.</summary>
    internal static string Micros(double microseconds) =>
        double.IsNaN(microseconds) ? "n/a" : microseconds.ToString("F0", System.Globalization.CultureInfo.InvariantCulture);

    internal static IEnumerable<T> Rotate<T>(IReadOnlyList<T> items, int round) =>
        Enumerable.Range(0, items.Count).Select(i => items[(i + round) % items.Count]);

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}

/// <summary>Per target, one <see cref="LoadResult"/> per round, closed and open loop.</summary>
internal sealed record RequestResponseResult(
    Version Version,
    IReadOnlyList<BenchTarget> Targets,
    IReadOnlyDictionary<string, List<LoadResult>> Closed,
    IReadOnlyDictionary<string, List<LoadResult>> Open,
    int OpenRate)
{
    public double MedianRps(string target, bool openLoop = false) =>
        RequestResponseBench.Median((openLoop ? Open : Closed)[target].Select(r => r.RequestsPerSecond));

    public double MedianPercentile(string target, double percentile, bool openLoop = false) =>
        RequestResponseBench.Median((openLoop ? Open : Closed)[target].Select(r => r.Histogram.PercentileMs(percentile)));

    /// <summary>Median over closed-loop rounds of the server's CPU µs per request; NaN when not separable.</summary>
    public double MedianServerCpuPerRequest(string target) =>
        RequestResponseBench.Median(Closed[target].Select(r => r.ServerCpuMicrosPerRequest));

    /// <summary>Median over closed-loop rounds of this process's (client + upstream) CPU µs per request.</summary>
    public double MedianClientCpuPerRequest(string target) =>
        RequestResponseBench.Median(Closed[target].Select(r => r.ClientCpuMicrosPerRequest));

    /// <summary>
    /// <paramref name="numerator"/> ÷ <paramref name="denominator"/> round by round (both ran in the same round, minutes
    /// apart at most): how far the host's noise moves a ratio that the report gives as a median.
    /// </summary>
    public IReadOnlyList<double> RoundRatios(string numerator, string denominator, Func<LoadResult, double> metric, bool openLoop = false)
    {
        var top = (openLoop ? Open : Closed)[numerator];
        var bottom = (openLoop ? Open : Closed)[denominator];
        return [.. top.Zip(bottom, (a, b) => metric(a) / metric(b))];
    }

    public LatencyHistogram Merged(string target, bool openLoop)
    {
        var merged = new LatencyHistogram();
        foreach (var result in (openLoop ? Open : Closed)[target])
        {
            merged.Add(result.Histogram);
        }

        return merged;
    }
}
