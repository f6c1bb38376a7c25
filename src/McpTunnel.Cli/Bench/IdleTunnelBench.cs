using System.Net;
using System.Net.Security;
using McpTunnel.Pki;
using McpTunnel.Proxy.Client;

namespace McpTunnel.Cli.Bench;

/// <summary>
/// Part 4: memory per idle tunnel (RSS delta of the proxy process over its warmed-up baseline, divided by the
/// tunnels held) at each count, and the p99 of live requests at a fixed rate while they are held, against the
/// same figure with no idle tunnels. Idle tunnels are WebSocket + inner TLS (http/1.1); each keeps a read pending so
/// it answers the proxy's pings, as a live edge does. RSS is read twice per count: fresh (handshake only, no request)
/// and again after every tunnel has carried one request, which is how tunnels an edge has used sit idle.
/// </summary>
internal static class IdleTunnelBench
{
    public static async Task<IdleResult> RunAsync(BenchStack stack, BenchOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        var (certFile, keyFile) = BenchStack.WriteServerCertificate(stack.Ca, stack.Directory, KeyAlgorithm.EcdsaP256);
        var maxCount = options.IdleCounts.Max();
        await using var proxy = await ProxyHost.StartAsync(BenchStack.ProxyConfigYaml(certFile, keyFile, stack.Upstream.Port, maxCount + 1000), stack.Directory, options, cancellationToken);
        var connector = new TunnelConnector(proxy.WebSocketUri, stack.Validator);
        var live = new BenchTarget("tunnel", HttpVersion.Version11, new Uri($"https://{BenchStack.RouteHost}/"), connector.CreateHttpHandler);
        using var invoker = live.CreateInvoker(maxConnections: 8);
        await LoadGenerator.ClosedLoopAsync(invoker, live, 4, options.Warmup, options.MaxRequests, cancellationToken);
        // The first open-loop pass still runs partly tier-0 code; the idle-free figure is the second.
        await LoadGenerator.OpenLoopAsync(invoker, live, options.IdleLiveRate, options.Duration, options.MaxRequests, cancellationToken);
        var baseline = await LoadGenerator.OpenLoopAsync(invoker, live, options.IdleLiveRate, options.Duration, options.MaxRequests, cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(options.Smoke ? 0.2 : 2), cancellationToken);
        var rss0 = proxy.ResidentBytes();
        await log.WriteLineAsync($"  idle    baseline RSS {rss0 / 1048576.0:F1} MiB  live p99 {baseline.Histogram.PercentileMs(99):F2} ms at {options.IdleLiveRate} rps");

        var held = new List<IdleTunnel>(maxCount);
        var rows = new List<IdleRow>();
        try
        {
            foreach (var count in options.IdleCounts.Order())
            {
                var opened = held.Count;
                var failed = await OpenIdleAsync(connector, held, count, cancellationToken);
                await Task.Delay(TimeSpan.FromSeconds(options.Smoke ? 0.2 : 3), cancellationToken);
                var rss = proxy.ResidentBytes();
                var during = await LoadGenerator.OpenLoopAsync(invoker, live, options.IdleLiveRate, options.Duration, options.MaxRequests, cancellationToken);

                // The same tunnels after one request each (only the ones opened for this count have not carried one yet).
                var unanswered = await UseOnceAsync(held.Skip(opened).ToList(), cancellationToken);
                await Task.Delay(TimeSpan.FromSeconds(options.Smoke ? 0.2 : 3), cancellationToken);
                var rssUsed = proxy.ResidentBytes();
                var row = new IdleRow(held.Count, failed + unanswered, rss - rss0, during.Histogram.PercentileMs(99), during.Errors) { RssDeltaAfterUse = rssUsed - rss0 };
                rows.Add(row);
                await log.WriteLineAsync($"  idle    {held.Count,6} tunnels  RSS +{row.RssDelta / 1048576.0:F1} MiB  {row.BytesPerTunnel / 1024:F1} KB/tunnel (after one request {row.BytesPerTunnelAfterUse / 1024:F1})  live p99 {row.LiveP99Ms:F2} ms  failed {row.Failed}");
            }
        }
        finally
        {
            await Parallel.ForEachAsync(held, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (tunnel, _) => await tunnel.Ssl.DisposeAsync());
        }

        return new IdleResult(proxy.OutOfProcess, rss0, baseline.Histogram.PercentileMs(99), options.IdleLiveRate, rows);
    }

    /// <summary>Sends one MCP POST on each tunnel and waits for its answer to start arriving; returns how many got none.</summary>
    private static async Task<int> UseOnceAsync(IReadOnlyList<IdleTunnel> tunnels, CancellationToken cancellationToken)
    {
        byte[] request = [
            .. System.Text.Encoding.ASCII.GetBytes(
                $"POST /mcp HTTP/1.1\r\nHost: {BenchStack.RouteHost}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n" +
                $"Content-Length: {LoadGenerator.ToolsCallBody.Length}\r\n\r\n"),
            .. LoadGenerator.ToolsCallBody,
        ];
        var unanswered = 0;
        await Parallel.ForEachAsync(tunnels, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (tunnel, ct) =>
        {
            try
            {
                await tunnel.Ssl.WriteAsync(request, ct);
                await tunnel.FirstBytes.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                Interlocked.Increment(ref unanswered);
            }
        });
        return unanswered;
    }

    private static async Task<int> OpenIdleAsync(TunnelConnector connector, List<IdleTunnel> held, int target, CancellationToken cancellationToken)
    {
        var failed = 0;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(180));
        var toOpen = target - held.Count;
        await Parallel.ForEachAsync(Enumerable.Range(0, toOpen), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = deadline.Token }, async (index, ct) =>
        {
            try
            {
                var tunnel = new IdleTunnel(await connector.ConnectTlsAsync(BenchStack.RouteHost, [SslApplicationProtocol.Http11], ct));
                lock (held)
                {
                    held.Add(tunnel);
                }

                _ = KeepReadingAsync(tunnel);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Interlocked.Increment(ref failed);
            }
        });
        return failed;
    }

    /// <summary>A pending read lets the client WebSocket answer pings; it ends when the tunnel closes. Answers are discarded.</summary>
    private static async Task KeepReadingAsync(IdleTunnel tunnel)
    {
        var buffer = new byte[512];
        try
        {
            while (await tunnel.Ssl.ReadAsync(buffer) > 0)
            {
                tunnel.FirstBytes.TrySetResult();
            }
        }
        catch (Exception)
        {
            // closed or disposed: nothing to keep alive any more
        }
    }
}

internal sealed record IdleTunnel(SslStream Ssl)
{
    public TaskCompletionSource FirstBytes { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

internal sealed record IdleRow(int Tunnels, int Failed, long RssDelta, double LiveP99Ms, long LiveErrors)
{
    /// <summary>RSS delta once every held tunnel has carried one request (and is idle again).</summary>
    public long RssDeltaAfterUse { get; init; }

    public double BytesPerTunnel => Tunnels == 0 ? double.NaN : (double)RssDelta / Tunnels;

    public double BytesPerTunnelAfterUse => Tunnels == 0 ? double.NaN : (double)RssDeltaAfterUse / Tunnels;
}

internal sealed record IdleResult(bool OutOfProcess, long BaselineRss, double BaselineP99Ms, int LiveRate, IReadOnlyList<IdleRow> Rows);
