using System.Net.Security;
using System.Net.Sockets;
using System.Net;
using McpTunnel.Pki.Issuing;
using McpTunnel.TunnelClient;

namespace McpTunnel.Bench;

/// <summary>
/// Part 4: memory per idle tunnel (RSS delta of the proxy process over its warmed-up baseline, divided by the
/// tunnels held) at each count, and the p99 of live requests at a fixed rate while they are held, against the
/// same figure with no idle tunnels. Idle tunnels are WebSocket + inner TLS (http/1.1); each keeps a read pending so
/// it answers the proxy's pings, as a live edge does. RSS is read twice per count: fresh (handshake only, no request)
/// and again after every tunnel has carried one request, which is how tunnels an edge has used sit idle.
/// Then idle SSE streams (<see cref="BenchOptions.IdleStreams"/>): one <c>GET /sse</c> per used idle tunnel that
/// receives its headers and one event and then nothing, which is how an MCP client's GET stream spends its life; the
/// proxy's RSS over the same tunnels without streams gives the cost of a stream alone. The same streams straight to the
/// upstream give the reference: this process's live managed heap, i.e. Kestrel's cost of the stream plus a raw-socket client.
/// With two or more <see cref="BenchOptions.ProxyBinaries"/> the whole part runs once per binary in each of
/// <see cref="BenchOptions.Runs"/> rounds, the order rotating per round, so builds are compared on the same host state.
/// </summary>
internal static class IdleTunnelBench
{
    public static async Task<IReadOnlyList<IdleResult>> RunAsync(BenchStack stack, BenchOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        IReadOnlyList<string?> binaries = options.ProxyOutOfProcess && options.ProxyBinaries.Count > 1
            ? [.. options.ProxyBinaries]
            : [options.ProxyBinaries.Count > 0 ? options.ProxyBinaries[0] : null];
        var rounds = binaries.Count > 1 ? options.Runs : 1;
        var results = new List<IdleResult>();
        for (var round = 0; round < rounds; round++)
        {
            foreach (var binary in RequestResponseBench.Rotate(binaries, round))
            {
                if (binaries.Count > 1)
                {
                    await log.WriteLineAsync($"  idle    round {round + 1}: mcp-proxy {binary}");
                }

                results.Add(await RunOnceAsync(stack, options, binary, round, log, cancellationToken));
            }
        }

        return results;
    }

    private static async Task<IdleResult> RunOnceAsync(BenchStack stack, BenchOptions options, string? binary, int round, TextWriter log, CancellationToken cancellationToken)
    {
        var (certFile, keyFile) = BenchStack.WriteServerCertificate(stack.Ca, stack.Directory, KeyAlgorithm.EcdsaP256);
        var maxCount = Math.Max(options.IdleCounts.Max(), options.IdleStreams);
        await using var proxy = await ProxyHost.StartAsync(BenchStack.ProxyConfigYaml(certFile, keyFile, stack.Upstream.Port, maxCount + 1000), stack.Directory, options, cancellationToken, binary);
        var connector = new TunnelConnector(proxy.WebSocketUri, stack.Validator);
        var live = new BenchTarget("tunnel", HttpVersion.Version11, new Uri($"https://{BenchStack.RouteHost}/"), connector.CreateHttpHandler);
        using var invoker = live.CreateInvoker(maxConnections: 8);
        await LoadGenerator.ClosedLoopAsync(invoker, live, 4, options.Warmup, options.MaxRequests, cancellationToken);
        // The first open-loop pass still runs partly tier-0 code; the idle-free figure is the second.
        await LoadGenerator.OpenLoopAsync(invoker, live, options.IdleLiveRate, options.Duration, options.MaxRequests, cancellationToken);
        var baseline = await LoadGenerator.OpenLoopAsync(invoker, live, options.IdleLiveRate, options.Duration, options.MaxRequests, cancellationToken);
        await SettleAsync(options, cancellationToken);
        var rss0 = proxy.ResidentBytes();
        await log.WriteLineAsync($"  idle    baseline RSS {rss0 / 1048576.0:F1} MiB  live p99 {baseline.Histogram.PercentileMs(99):F2} ms at {options.IdleLiveRate} rps");

        var held = new List<IdleTunnel>(maxCount);
        var rows = new List<IdleRow>();
        IdleStreamResult? streams = null;
        try
        {
            foreach (var count in options.IdleCounts.Order())
            {
                var opened = held.Count;
                var failed = await OpenIdleAsync(connector, held, count, cancellationToken);
                await SettleAsync(options, cancellationToken);
                var rss = proxy.ResidentBytes();
                var during = await LoadGenerator.OpenLoopAsync(invoker, live, options.IdleLiveRate, options.Duration, options.MaxRequests, cancellationToken);

                // The same tunnels after one request each (only the ones opened for this count have not carried one yet).
                var unanswered = await UseOnceAsync(held.Skip(opened).ToList(), cancellationToken);
                await SettleAsync(options, cancellationToken);
                var rssUsed = proxy.ResidentBytes();
                var row = new IdleRow(held.Count, failed + unanswered, rss - rss0, during.Histogram.PercentileMs(99), during.Errors) { RssDeltaAfterUse = rssUsed - rss0 };
                rows.Add(row);
                await log.WriteLineAsync($"  idle    {held.Count,6} tunnels  RSS +{row.RssDelta / 1048576.0:F1} MiB  {row.BytesPerTunnel / 1024:F1} KB/tunnel (after one request {row.BytesPerTunnelAfterUse / 1024:F1})  live p99 {row.LiveP99Ms:F2} ms  failed {row.Failed}");
            }

            if (options.IdleStreams > 0)
            {
                streams = await IdleStreamsAsync(stack, proxy, connector, held, options, cancellationToken);
                await log.WriteLineAsync($"  idle    {streams.Streams,6} SSE streams  tunnel: mcp-proxy RSS +{streams.RssDelta / 1048576.0:F1} MiB  {streams.BytesPerStream / 1024:F1} KB/stream  failed {streams.Failed}  direct: managed heap +{streams.DirectHeapBytesPerStream / 1024:F1} KB/stream  failed {streams.DirectFailed}");
            }
        }
        finally
        {
            await Parallel.ForEachAsync(held, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (tunnel, _) => await tunnel.Stream.DisposeAsync());
        }

        return new IdleResult(proxy.OutOfProcess, rss0, baseline.Histogram.PercentileMs(99), options.IdleLiveRate, rows)
        {
            Binary = proxy.OutOfProcess ? binary ?? ProxyHost.FindProxyDll() : null,
            Round = round,
            Streams = streams,
        };
    }

    /// <summary>Lets the runtime finish what opening or using connections started (tier-up, pool trimming) before RSS is read.</summary>
    private static Task SettleAsync(BenchOptions options, CancellationToken cancellationToken) =>
        Task.Delay(TimeSpan.FromSeconds(options.Smoke ? 0.2 : 3), cancellationToken);

    /// <summary>
    /// Holds <see cref="BenchOptions.IdleStreams"/> idle SSE streams directly (then closes them) and then through the
    /// tunnel (left open until the tunnels close), each time reading memory just before and after, settled alike.
    /// </summary>
    private static async Task<IdleStreamResult> IdleStreamsAsync(BenchStack stack, ProxyHost proxy, TunnelConnector connector, List<IdleTunnel> held, BenchOptions options, CancellationToken cancellationToken)
    {
        var count = options.IdleStreams;

        // Direct first, before the tunnel's streams put the upstream's share of them into this process's heap too.
        // The upstream lives in this process, whose RSS says little here: it does not grow again for memory an earlier
        // pass or part already touched (it even fell by several MiB in later passes of a trial run). So the direct path
        // gets this process's live managed heap after a full collection instead, which does not depend on what came before.
        var direct = new List<IdleTunnel>(count);
        long directHeapDelta;
        int directFailed;
        try
        {
            await SettleAsync(options, cancellationToken);
            var heap = GC.GetTotalMemory(forceFullCollection: true);
            directFailed = await OpenDirectAsync(stack.Upstream.Port, direct, count, cancellationToken);
            directFailed += await StartStreamsAsync(direct, $"127.0.0.1:{stack.Upstream.Port}", cancellationToken);
            await SettleAsync(options, cancellationToken);
            directHeapDelta = GC.GetTotalMemory(forceFullCollection: true) - heap;
        }
        finally
        {
            foreach (var connection in direct)
            {
                await connection.Stream.DisposeAsync();
            }
        }

        // Through the tunnel, on tunnels that have carried a request (as the rows above leave them); more are opened
        // and used once first when the idle counts held fewer tunnels than streams are wanted.
        if (held.Count < count)
        {
            var opened = held.Count;
            await OpenIdleAsync(connector, held, count, cancellationToken);
            await UseOnceAsync(held.Skip(opened).ToList(), cancellationToken);
        }

        var carriers = held.Where(t => t.FirstBytes.Task.IsCompletedSuccessfully).Take(count).ToList();
        await SettleAsync(options, cancellationToken);
        var rss = proxy.ResidentBytes();
        var failed = count - carriers.Count + await StartStreamsAsync(carriers, BenchStack.RouteHost, cancellationToken);
        await SettleAsync(options, cancellationToken);
        return new IdleStreamResult(count - failed, failed, proxy.ResidentBytes() - rss, count - directFailed, directFailed, directHeapDelta);
    }

    /// <summary>
    /// Sends <c>GET /sse</c> (one event, then hold) on each connection and waits for that event; returns how many got
    /// none. The upstream writes the event at once, so once it has arrived every hop has sent and flushed it.
    /// </summary>
    private static async Task<int> StartStreamsAsync(IReadOnlyList<IdleTunnel> connections, string host, CancellationToken cancellationToken)
    {
        var request = System.Text.Encoding.ASCII.GetBytes(
            $"GET /sse?events=1&interval=0&hold=1 HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n");
        return await SendAndWaitAsync(connections, request, c => c.FirstEvent.Task, cancellationToken);
    }

    /// <summary>
    /// Opens <paramref name="count"/> plain TCP connections to the upstream, each with the same pending read as a tunnel;
    /// returns how many failed.
    /// </summary>
    private static async Task<int> OpenDirectAsync(int port, List<IdleTunnel> held, int count, CancellationToken cancellationToken)
    {
        var failed = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (index, ct) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, port, ct);
                var connection = new IdleTunnel(new NetworkStream(socket, ownsSocket: true));
                lock (held)
                {
                    held.Add(connection);
                }

                _ = KeepReadingAsync(connection);
            }
            catch (SocketException)
            {
                socket.Dispose();
                Interlocked.Increment(ref failed);
            }
        });
        return failed;
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
        return await SendAndWaitAsync(tunnels, request, t => t.FirstBytes.Task, cancellationToken);
    }

    /// <summary>Writes <paramref name="request"/> on every connection, 16 at a time, and waits up to 30 s for <paramref name="answered"/>; returns how many timed out or failed.</summary>
    private static async Task<int> SendAndWaitAsync(IReadOnlyList<IdleTunnel> connections, byte[] request, Func<IdleTunnel, Task> answered, CancellationToken cancellationToken)
    {
        var unanswered = 0;
        await Parallel.ForEachAsync(connections, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (connection, ct) =>
        {
            try
            {
                await connection.Stream.WriteAsync(request, ct);
                await answered(connection).WaitAsync(TimeSpan.FromSeconds(30), ct);
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

    /// <summary>
    /// A pending read lets the client WebSocket answer pings; it ends when the tunnel closes. Answers are discarded,
    /// except that the first bytes and the first SSE event (<c>data: </c>, wherever the reads split it) are signalled.
    /// </summary>
    private static async Task KeepReadingAsync(IdleTunnel tunnel)
    {
        var buffer = new byte[512];
        var matched = 0;
        try
        {
            int read;
            while ((read = await tunnel.Stream.ReadAsync(buffer)) > 0)
            {
                tunnel.FirstBytes.TrySetResult();
                if (!tunnel.FirstEvent.Task.IsCompleted && (matched = MatchEventStart(buffer.AsSpan(0, read), matched)) == EventStart.Length)
                {
                    tunnel.FirstEvent.TrySetResult();
                }
            }
        }
        catch (Exception)
        {
            // closed or disposed: nothing to keep alive any more
        }
    }

    private static ReadOnlySpan<byte> EventStart => "data: "u8;

    /// <summary>
    /// Advances a match of <see cref="EventStart"/> over <paramref name="bytes"/> from <paramref name="matched"/> bytes
    /// already matched; returns the new count (its length once found). Restarting at the current byte is enough because
    /// 'd' occurs in the pattern only at its start.
    /// </summary>
    internal static int MatchEventStart(ReadOnlySpan<byte> bytes, int matched)
    {
        foreach (var b in bytes)
        {
            matched = b == EventStart[matched] ? matched + 1 : b == EventStart[0] ? 1 : 0;
            if (matched == EventStart.Length)
            {
                return matched;
            }
        }

        return matched;
    }
}

/// <summary>An idle connection the bench holds open (a tunnel's inner TLS stream, or a plain socket to the upstream) and what has arrived on it.</summary>
internal sealed record IdleTunnel(Stream Stream)
{
    public TaskCompletionSource FirstBytes { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource FirstEvent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// Idle SSE streams held through the tunnel (<see cref="RssDelta"/>: the proxy's RSS over the same idle tunnels
/// without streams) and directly (<see cref="DirectHeapDelta"/>: this process's live managed heap after a full
/// collection, the upstream's Kestrel plus a raw-socket client). Streams counts those that received their event; failed
/// ones are left out of the per-stream figures.
/// </summary>
internal sealed record IdleStreamResult(int Streams, int Failed, long RssDelta, int DirectStreams, int DirectFailed, long DirectHeapDelta)
{
    public double BytesPerStream => Streams == 0 ? double.NaN : (double)RssDelta / Streams;

    public double DirectHeapBytesPerStream => DirectStreams == 0 ? double.NaN : (double)DirectHeapDelta / DirectStreams;
}

internal sealed record IdleRow(int Tunnels, int Failed, long RssDelta, double LiveP99Ms, long LiveErrors)
{
    /// <summary>RSS delta once every held tunnel has carried one request (and is idle again).</summary>
    public long RssDeltaAfterUse { get; init; }

    public double BytesPerTunnel => Tunnels == 0 ? double.NaN : (double)RssDelta / Tunnels;

    public double BytesPerTunnelAfterUse => Tunnels == 0 ? double.NaN : (double)RssDeltaAfterUse / Tunnels;
}

internal sealed record IdleResult(bool OutOfProcess, long BaselineRss, double BaselineP99Ms, int LiveRate, IReadOnlyList<IdleRow> Rows)
{
    /// <summary>The mcp-proxy binary this pass ran (null in process).</summary>
    public string? Binary { get; init; }

    /// <summary>Zero-based round; more than one only when several binaries are compared.</summary>
    public int Round { get; init; }

    public IdleStreamResult? Streams { get; init; }
}
