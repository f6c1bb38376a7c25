using System.Diagnostics;
using System.Net.Security;
using McpTunnel.Pki;
using McpTunnel.Proxy.Client;

namespace McpTunnel.Cli.Bench;

/// <summary>
/// Part 3: new tunnels per second (WebSocket upgrade + full inner TLS handshake, then close), per server key type.
/// Each key type gets its own proxy; "per core" divides the tunnels by the CPU time the proxy process spent
/// (out of process only: in process the client's half of every handshake is in the same figure).
/// </summary>
internal static class HandshakeBench
{
    public static async Task<IReadOnlyList<HandshakeResult>> RunAsync(BenchStack stack, BenchOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        var results = new List<HandshakeResult>();
        foreach (var algorithm in new[] { KeyAlgorithm.EcdsaP256, KeyAlgorithm.Rsa2048, KeyAlgorithm.Rsa4096 })
        {
            var (certFile, keyFile) = BenchStack.WriteServerCertificate(stack.Ca, stack.Directory, algorithm);
            await using var proxy = await ProxyHost.StartAsync(BenchStack.ProxyConfigYaml(certFile, keyFile, stack.Upstream.Port, 10_000), stack.Directory, options, cancellationToken);
            var connector = new TunnelConnector(proxy.WebSocketUri, stack.Validator);
            await OpenCloseAsync(connector, Math.Max(10, options.Handshakes / 10), options.HandshakeConcurrency, cancellationToken); // warm-up

            var cpuBefore = proxy.CpuTime();
            var started = Stopwatch.GetTimestamp();
            var (done, failed) = await OpenCloseAsync(connector, options.Handshakes, options.HandshakeConcurrency, cancellationToken);
            var elapsed = Stopwatch.GetElapsedTime(started);
            var cpu = proxy.CpuTime() - cpuBefore;
            var result = new HandshakeResult(algorithm, done, failed, elapsed, cpu, proxy.OutOfProcess);
            results.Add(result);
            await log.WriteLineAsync($"  handshake {algorithm,-10} {result.PerSecond,7:F0} tunnels/s  {result.PerCpuSecond,7:F0} per proxy CPU-second  failed {failed}");
        }

        return results;
    }

    /// <summary>Opens and closes <paramref name="count"/> tunnels, <paramref name="concurrency"/> at a time (bounded in count and by a 120 s deadline).</summary>
    private static async Task<(int Done, int Failed)> OpenCloseAsync(TunnelConnector connector, int count, int concurrency, CancellationToken cancellationToken)
    {
        var remaining = count;
        int done = 0, failed = 0;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(120));
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            await Task.Yield();
            while (Interlocked.Decrement(ref remaining) >= 0 && !deadline.IsCancellationRequested)
            {
                try
                {
                    await using var ssl = await connector.ConnectTlsAsync(BenchStack.RouteHost, [SslApplicationProtocol.Http11], deadline.Token);
                    Interlocked.Increment(ref done);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !deadline.IsCancellationRequested)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        });
        await Task.WhenAll(workers);
        return (done, failed);
    }
}

internal sealed record HandshakeResult(KeyAlgorithm Algorithm, int Done, int Failed, TimeSpan Elapsed, TimeSpan ProxyCpu, bool OutOfProcess)
{
    public double PerSecond => Done / Elapsed.TotalSeconds;

    /// <summary>Tunnels per second of proxy CPU time: the "per core" figure.</summary>
    public double PerCpuSecond => ProxyCpu > TimeSpan.Zero ? Done / ProxyCpu.TotalSeconds : double.NaN;
}
