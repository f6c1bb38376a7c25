using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using McpTunnel.Proxy.Forwarding;
using McpTunnel.Proxy.Tests.Infrastructure;
using Xunit.Abstractions;

namespace McpTunnel.Proxy.Tests.Hosting;

/// <summary>
/// A hundred reloads while MCP POSTs over HTTP/1.1 and h2 and long SSE streams run through 55 tunnels, each reload
/// changing routes (one route comes and goes), policies (added to and taken from a route), limits (a route's burst) and
/// every fifth one the egress policy (a new upstream pool). Asserted: no request fails except those to the removed
/// route (each the documented 502), no stream is cut or loses an event, no tunnel closes, every replaced snapshot and
/// its pool are let go once their last request ends, the proxy's connections to the upstream return to the baseline
/// (none) and the replaced snapshots are garbage-collected. Figures go to the test output (docs/RELIABILITY.md
/// "Configuration reload under load").
/// </summary>
public sealed class ReloadUnderLoadTests(ITestOutputHelper output)
{
    private const int Reloads = 100;
    private const int Http1Posters = 25;
    private const int Http2Posters = 25; // each also holds one SSE stream on its tunnel
    private const int Http1Streams = 5; // one tunnel each
    private const int RequestsBetweenReloads = 100;

    private static readonly string[] Routes = ["a", "b", "c", "flap"];

    private static readonly byte[] ToolCall = """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"call","arguments":{"q":"x"}}}"""u8.ToArray();

    [Fact]
    public async Task HundredReloadsUnderHttp1H2AndSseLoad_NothingFailsNothingIsCutNothingLeaks()
    {
        await using var upstream = await BroadcastUpstream.StartAsync();
        var baselineConnections = TcpConnections.EstablishedTo(upstream.Port);
        await using var proxy = await TestProxy.StartAsync(RoutesYaml(upstream, 0), Extra(0));
        Assert.True(Reload(proxy, upstream, 0).Applied); // log_level warn from here on: the capture holds no per-request lines

        var failures = new ConcurrentQueue<string>();
        var completed = new Tally();
        var removedRouteAnswers = new Tally();
        var stop = new CancellationTokenSource();
        var h1 = Enumerable.Range(0, Http1Posters).Select(_ => proxy.CreateClient(http2: false)).ToList();
        var h2 = Enumerable.Range(0, Http2Posters).Select(_ => proxy.CreateClient(http2: true)).ToList();
        var streamClients = h2.Concat(Enumerable.Range(0, Http1Streams).Select(_ => proxy.CreateClient(http2: false))).ToList();

        // Open every stream first and see each carry a tick, so every stream is running before the first reload.
        var ticksReceived = new Tally();
        var streams = streamClients.Select(c => ReadStreamAsync(proxy, c, ticksReceived)).ToList();
        await upstream.StreamsOpenAsync(streams.Count).WaitAsync(TimeSpan.FromSeconds(60));
        upstream.Tick(0);
        await ticksReceived.WaitForAsync(streams.Count).WaitAsync(TimeSpan.FromSeconds(60));
        foreach (var client in h1.Concat(h2))
        {
            // One call per route: the client pools connections per host, so this opens every tunnel the run will use.
            foreach (var route in Routes)
            {
                await PostAsync(proxy, client, route, failures, removedRouteAnswers);
            }
        }

        var (heapBefore, rssBefore) = Memory();
        var tunnelsBefore = await TunnelsAsync(proxy);
        var snapshots = new List<WeakReference<ConfigSnapshot>>();
        var pools = new HashSet<UpstreamPool>(ReferenceEqualityComparer.Instance) { proxy.Server.Running.Current.Pool };
        var peakConnections = 0;

        var posters = h1.Concat(h2).Select(client => Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                await PostAsync(proxy, client, Routes[n % Routes.Length], failures, removedRouteAnswers);
                completed.Add();
            }
        })).ToList();

        var clock = Stopwatch.StartNew();
        for (var i = 1; i <= Reloads; i++)
        {
            await completed.WaitForAsync(completed.Count + RequestsBetweenReloads).WaitAsync(TimeSpan.FromSeconds(60));
            snapshots.Add(new WeakReference<ConfigSnapshot>(proxy.Server.Running.Current));
            var outcome = Reload(proxy, upstream, i);
            Assert.True(outcome.Applied, string.Join("; ", outcome.Errors));
            pools.Add(proxy.Server.Running.Current.Pool);
            upstream.Tick(i);
            await ticksReceived.WaitForAsync((long)streams.Count * (i + 1)).WaitAsync(TimeSpan.FromSeconds(60));
            peakConnections = Math.Max(peakConnections, TcpConnections.EstablishedTo(upstream.Port));
        }

        var reloadSeconds = clock.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await Task.WhenAll(posters);
        upstream.EndStreams();
        var streamResults = await Task.WhenAll(streams);
        var tunnelsAfter = await TunnelsAsync(proxy);

        // One more reload with a new egress policy: the running pool is replaced too, so every connection the run
        // opened belongs to a retired pool and must be closed once the last request on it ended.
        snapshots.Add(new WeakReference<ConfigSnapshot>(proxy.Server.Running.Current));
        Assert.True(Reload(proxy, upstream, Reloads + 5).Applied);
        var retiredPools = pools.Where(p => p != proxy.Server.Running.Current.Pool).ToList();
        await WaitUntilAsync(() => retiredPools.All(p => p.IsDisposed) && TcpConnections.EstablishedTo(upstream.Port) == baselineConnections);
        var connectionsAtDrain = TcpConnections.EstablishedTo(upstream.Port);
        var collectedAtDrain = CountCollected(snapshots);

        // An idle inner connection's pooled request state may still point at the last snapshot it served (measured: the
        // last replaced one, with its pool already disposed) until its next request; one more request on every
        // connection must let go of every replaced snapshot.
        foreach (var client in h1.Concat(h2))
        {
            foreach (var route in Routes)
            {
                await PostAsync(proxy, client, route, failures, removedRouteAnswers);
            }
        }

        var collected = CountCollected(snapshots);
        var (heapAfter, rssAfter) = Memory();

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            reloads: {Reloads} applied in {reloadSeconds:F1} s while traffic ran ({completed.Count} POSTs, {Http1Posters} HTTP/1.1 + {Http2Posters} h2 posters, {streams.Count} SSE streams)
            tunnels: {tunnelsBefore.Opened} opened before, {tunnelsAfter.Opened} after, {tunnelsAfter.Active} active at the end
            failed requests: {failures.Count}; answered 502 No route (removed route): {removedRouteAnswers.Count}
            streams cut: {streamResults.Count(r => r is not null)} of {streams.Count} (each carried {Reloads + 1} ticks)
            upstream pools: {pools.Count} used, {retiredPools.Count(p => p.IsDisposed)} of {retiredPools.Count} retired ones disposed
            upstream connections: baseline {baselineConnections}, peak seen between reloads {peakConnections}, after the drain {connectionsAtDrain}
            snapshots replaced: {snapshots.Count}, garbage-collected: {collectedAtDrain} once drained, {collected} after one more request per connection
            managed heap after full GC: {heapBefore / 1048576.0:F1} MB before, {heapAfter / 1048576.0:F1} MB after
            RSS: {rssBefore / 1048576.0:F1} MB before, {rssAfter / 1048576.0:F1} MB after
            """));

        Assert.Empty(failures);
        Assert.All(streamResults, Assert.Null);
        Assert.True(removedRouteAnswers.Count > 0, "no request met the removed route: the run did not exercise it");
        Assert.Equal(tunnelsAfter.Opened, tunnelsAfter.Active); // no tunnel closed (and none had to be reopened)
        Assert.Equal(tunnelsBefore.Opened, tunnelsAfter.Opened); // every tunnel opened before the first reload carried the whole run
        Assert.True(pools.Count > 10, $"only {pools.Count} pools: the egress changes did not make new ones");
        Assert.Equal(baselineConnections, connectionsAtDrain);
        Assert.Equal(snapshots.Count, collected);
        // Not a leak figure but a guard against one: a hundred snapshots with their pools and connections would be far more.
        Assert.True(heapAfter - heapBefore < 16 * 1048576, $"managed heap grew by {(heapAfter - heapBefore) / 1048576.0:F1} MB over the run");
    }

    private static string RoutesYaml(BroadcastUpstream upstream, int i)
    {
        var routes = new StringBuilder();
        routes.Append(CultureInfo.InvariantCulture, $"a: http://127.0.0.1:{upstream.Port}\n");
        routes.Append(CultureInfo.InvariantCulture, $"b: http://127.0.0.1:{upstream.Port}\n");
        routes.Append(CultureInfo.InvariantCulture, $"c: http://{(i % 3 == 0 ? "localhost" : "127.0.0.1")}:{upstream.Port}\n");
        if (i % 2 == 0)
        {
            routes.Append(CultureInfo.InvariantCulture, $"flap: http://127.0.0.1:{upstream.Port}\n");
        }

        return routes.ToString().TrimEnd('\n');
    }

    /// <summary>Config <paramref name="i"/>: the egress policy changes every fifth, route a's policy every other, b's burst every time.</summary>
    private static string Extra(int i)
    {
        var a = i % 2 == 1 ? "  a:\n    tools: { deny: [forbidden] }\n" : "";
        var allowed = i / 5 % 2 == 0 ? "127.0.0.0/8" : "127.0.0.1/32";
        return $$"""
            admin_addr: "127.0.0.1:0"
            upstream:
              allowed_ips: [{{allowed}}]
            policy:
            {{a}}  b:
                tools: { deny: ["never_*"] }
                limits: { rate: 100000/s, burst: {{50000 + i}} }

            """;
    }

    private static McpTunnel.Proxy.Hosting.ConfigReloadOutcome Reload(TestProxy proxy, BroadcastUpstream upstream, int i)
    {
        var yaml = TestProxy.ConfigYaml(proxy.Pki, RoutesYaml(upstream, i), Extra(i)).Replace("log_level: debug", "log_level: warn", StringComparison.Ordinal);
        File.WriteAllText(proxy.ConfigPath, yaml);
        return proxy.Server.ReloadConfig("test")!;
    }

    private static async Task PostAsync(TestProxy proxy, HttpClient client, string route, ConcurrentQueue<string> failures, Tally removedRouteAnswers)
    {
        try
        {
            using var content = new ByteArrayContent(ToolCall);
            content.Headers.ContentType = new("application/json");
            using var response = await client.PostAsync(proxy.UrlFor(route, "/mcp"), content);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.OK && body.Contains("\"text\":\"ok\"", StringComparison.Ordinal))
            {
                return;
            }

            if (route == "flap" && response.StatusCode == HttpStatusCode.BadGateway && body == "No route configured for host")
            {
                removedRouteAnswers.Add();
                return;
            }

            failures.Enqueue($"{route}: {(int)response.StatusCode} {body}");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
        {
            failures.Enqueue($"{route}: {ex.GetType().Name} {ex.Message}");
        }
    }

    /// <summary>Reads one SSE stream to its END: null when every tick arrived in order, else what went wrong.</summary>
    private static async Task<string?> ReadStreamAsync(TestProxy proxy, HttpClient client, Tally ticksReceived)
    {
        try
        {
            using var response = await client.GetAsync(proxy.UrlFor("a", "/sse"), HttpCompletionOption.ResponseHeadersRead);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return $"status {(int)response.StatusCode}";
            }

            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            var expected = 0;
            while (await reader.ReadLineAsync() is { } line)
            {
                if (line.Length == 0)
                {
                    continue;
                }

                if (line == "data: END")
                {
                    return expected == Reloads + 1 ? null : $"END after {expected} ticks";
                }

                if (line != $"data: tick-{expected}")
                {
                    return $"expected tick-{expected}, got '{line}'";
                }

                expected++;
                ticksReceived.Add();
            }

            return $"cut after {expected} ticks";
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
        {
            return $"{ex.GetType().Name} {ex.Message}";
        }
    }

    private static async Task<(double Opened, double Active)> TunnelsAsync(TestProxy proxy)
    {
        var metrics = await AdminScrape.MetricsAsync(proxy);
        return (AdminScrape.Value(metrics, "mcptunnel_tunnels_opened_total{outcome=\"accepted\"}") ?? 0, AdminScrape.Value(metrics, "mcptunnel_tunnels_active") ?? 0);
    }

    private static int CountCollected(List<WeakReference<ConfigSnapshot>> snapshots)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return snapshots.Count(s => !s.TryGetTarget(out _));
    }

    private static (long Heap, long Rss) Memory()
    {
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        using var self = Process.GetCurrentProcess();
        return (heap, self.WorkingSet64);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(20, deadline.Token);
        }
    }

    /// <summary>A count the test can await reaching a target, completed by the counting side (no polling).</summary>
    private sealed class Tally
    {
        private readonly Lock _lock = new();
        private long _count;
        private long _target = long.MaxValue;
        private TaskCompletionSource? _waiter;

        public long Count
        {
            get
            {
                lock (_lock)
                {
                    return _count;
                }
            }
        }

        public void Add()
        {
            lock (_lock)
            {
                _count++;
                if (_count >= _target)
                {
                    _waiter?.TrySetResult();
                }
            }
        }

        public Task WaitForAsync(long target)
        {
            lock (_lock)
            {
                _target = target;
                _waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                if (_count >= target)
                {
                    _waiter.TrySetResult();
                }

                return _waiter.Task;
            }
        }
    }
}
