using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace McpTunnel.Bench;

/// <summary>
/// The load client: small MCP JSON-RPC <c>tools/call</c> POSTs, either closed loop (fixed concurrency, each worker
/// sends its next request when the last one answered: the maximum rate) or open loop (fixed offered rate; latency
/// is taken from each request's <em>intended</em> send time, so a stall is charged to every request it delays,
/// not hidden: no coordinated omission). Every loop is bounded in time and in count.
/// </summary>
internal static class LoadGenerator
{
    public static readonly byte[] ToolsCallBody = Encoding.UTF8.GetBytes(
        """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"hello","arguments":{"name":"bench","note":"a small MCP JSON-RPC request of about two hundred bytes, like an AI client sends"}}}""");

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public static async Task<LoadResult> ClosedLoopAsync(HttpMessageInvoker invoker, BenchTarget target, int concurrency, TimeSpan duration, int maxRequests, CancellationToken cancellationToken)
    {
        var histogram = new LatencyHistogram();
        var remaining = maxRequests;
        long errors = 0;
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            await Task.Yield();
            while (Stopwatch.GetTimestamp() < deadline && Interlocked.Decrement(ref remaining) >= 0 && !cancellationToken.IsCancellationRequested)
            {
                var sent = Stopwatch.GetTimestamp();
                if (await SendOneAsync(invoker, target, cancellationToken))
                {
                    histogram.RecordSince(sent, Stopwatch.GetTimestamp());
                }
                else
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }).ToArray();
        await Task.WhenAll(workers);
        return new LoadResult(histogram, errors, Stopwatch.GetElapsedTime(started));
    }

    public static async Task<LoadResult> OpenLoopAsync(HttpMessageInvoker invoker, BenchTarget target, int rate, TimeSpan duration, int maxRequests, CancellationToken cancellationToken)
    {
        var histogram = new LatencyHistogram();
        long errors = 0;
        var total = (int)Math.Min(maxRequests, rate * duration.TotalSeconds);
        var interval = Stopwatch.Frequency / (double)rate;
        var inFlight = new List<Task>(total);

        // Bounded outstanding requests (a stalled target must not grow memory without limit); waiting for a slot
        // still counts against the request's latency because it is measured from the intended send time.
        using var slots = new SemaphoreSlim(4096);
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < total && !cancellationToken.IsCancellationRequested; i++)
        {
            var intended = started + (long)(i * interval);
            // Timers wake ~1 ms late: sleep until 2 ms before the send time, then yield (not spin) until it is due.
            var wait = intended - Stopwatch.GetTimestamp();
            if (wait > 2 * Stopwatch.Frequency / 1000)
            {
                await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency - 0.002), cancellationToken);
            }

            while (Stopwatch.GetTimestamp() < intended)
            {
                Thread.Yield();
            }

            await slots.WaitAsync(cancellationToken);
            inFlight.Add(SendScheduledAsync(intended));
        }

        await Task.WhenAll(inFlight);
        return new LoadResult(histogram, errors, Stopwatch.GetElapsedTime(started));

        async Task SendScheduledAsync(long intended)
        {
            await Task.Yield();
            try
            {
                if (await SendOneAsync(invoker, target, cancellationToken))
                {
                    histogram.RecordSince(intended, Stopwatch.GetTimestamp());
                }
                else
                {
                    Interlocked.Increment(ref errors);
                }
            }
            finally
            {
                slots.Release();
            }
        }
    }

    public static async Task<bool> SendOneAsync(HttpMessageInvoker invoker, BenchTarget target, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(target.BaseUri, "mcp"))
        {
            Version = target.Version,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(ToolsCallBody) { Headers = { ContentType = Json } },
        };
        request.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
        request.Headers.TryAddWithoutValidation("Mcp-Protocol-Version", "2025-06-18");
        try
        {
            using var response = await invoker.SendAsync(request, cancellationToken);
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            await body.CopyToAsync(Stream.Null, cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}

/// <summary>One measurement: latencies of the successful requests, failures, wall time, and (closed loop) CPU used.</summary>
internal sealed record LoadResult(LatencyHistogram Histogram, long Errors, TimeSpan Elapsed)
{
    public double RequestsPerSecond => Histogram.Count / Elapsed.TotalSeconds;

    /// <summary>CPU the server under test used during the measurement; null when not measured or not separable (proxy in process).</summary>
    public TimeSpan? ServerCpu { get; init; }

    /// <summary>CPU this process (load client and upstream) used during the measurement; null when not measured.</summary>
    public TimeSpan? ClientCpu { get; init; }

    public double ServerCpuMicrosPerRequest => PerRequest(ServerCpu);

    public double ClientCpuMicrosPerRequest => PerRequest(ClientCpu);

    private double PerRequest(TimeSpan? cpu) => cpu is { } used && Histogram.Count > 0 ? used.TotalMicroseconds / Histogram.Count : double.NaN;
}
