using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Net;
using McpTunnel.Pki.Issuing;
using McpTunnel.TunnelClient;

namespace McpTunnel.Cli.Bench;

/// <summary>
/// Part 3: new tunnels per second (WebSocket upgrade + full inner TLS handshake, then close), per server key type.
/// Each key type gets its own proxy; "per core" divides the tunnels by the CPU time the proxy process spent
/// (out of process only: in process the client's half of every handshake is in the same figure).
/// With nginx present, a reference row for ECDSA P-256: a plain TCP connect + TLS handshake to nginx (which serves
/// an ECDSA P-256 certificate from the same CA), the same count, concurrency and client TLS options, per nginx
/// CPU-second: what the TLS handshake alone costs a server built for it.
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
            var result = await MeasureAsync(
                HandshakePeer.Tunnel, algorithm, ct => connector.ConnectTlsAsync(BenchStack.RouteHost, [SslApplicationProtocol.Http11], ct), proxy.CpuTime, !proxy.OutOfProcess, options, cancellationToken);
            results.Add(result);
            await log.WriteLineAsync($"  handshake {algorithm,-10} {result.PerSecond,7:F0} tunnels/s  {result.PerCpuSecond,7:F0} per proxy CPU-second  failed {result.Failed}");

            // BenchStack started nginx with an ECDSA P-256 certificate, so only that key type has a like-for-like reference.
            if (algorithm == KeyAlgorithm.EcdsaP256 && stack.Nginx is { } nginx)
            {
                var reference = await MeasureAsync(
                    HandshakePeer.NginxTlsOnly,
                    algorithm,
                    ct => ConnectTlsAsync(nginx.Port, connector.CreateClientOptions(BenchStack.RouteHost, [SslApplicationProtocol.Http11]), ct),
                    nginx.CpuTime,
                    cpuIncludesClient: false,
                    options,
                    cancellationToken);
                results.Add(reference);
                await log.WriteLineAsync($"  handshake nginx TLS only (reference, {algorithm}) {reference.PerSecond,7:F0} handshakes/s  {reference.PerCpuSecond,7:F0} per nginx CPU-second  failed {reference.Failed}");
            }
        }

        return results;
    }

    /// <summary>A warm-up of a tenth of the count (JIT, connection paths), then the measured run with the server's CPU delta.</summary>
    private static async Task<HandshakeResult> MeasureAsync(
        HandshakePeer peer, KeyAlgorithm algorithm, Func<CancellationToken, Task<SslStream>> connect, Func<TimeSpan> serverCpu, bool cpuIncludesClient, BenchOptions options, CancellationToken cancellationToken)
    {
        await OpenCloseAsync(connect, Math.Max(10, options.Handshakes / 10), options.HandshakeConcurrency, cancellationToken);
        var cpuBefore = serverCpu();
        var started = Stopwatch.GetTimestamp();
        var (done, failed) = await OpenCloseAsync(connect, options.Handshakes, options.HandshakeConcurrency, cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var cpu = serverCpu() - cpuBefore;
        return new HandshakeResult(peer, algorithm, done, failed, elapsed, cpu, cpuIncludesClient);
    }

    /// <summary>TCP connect to nginx and a TLS handshake with the tunnel's own client options (ALPN, protocols, CA validation).</summary>
    private static async Task<SslStream> ConnectTlsAsync(int port, SslClientAuthenticationOptions clientOptions, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        SslStream? ssl = null;
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            ssl = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
            await ssl.AuthenticateAsClientAsync(clientOptions, cancellationToken);
            return ssl;
        }
        catch
        {
            if (ssl is not null)
            {
                await ssl.DisposeAsync();
            }

            socket.Dispose();
            throw;
        }
    }

    /// <summary>Opens and closes <paramref name="count"/> TLS sessions, <paramref name="concurrency"/> at a time (bounded in count and by a 120 s deadline).</summary>
    private static async Task<(int Done, int Failed)> OpenCloseAsync(Func<CancellationToken, Task<SslStream>> connect, int count, int concurrency, CancellationToken cancellationToken)
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
                    await using var ssl = await connect(deadline.Token);
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

/// <summary>What a handshake row measures: new tunnels through mcp-proxy, or the nginx TLS-only reference.</summary>
internal enum HandshakePeer
{
    Tunnel,
    NginxTlsOnly,
}

/// <summary>One handshake row; <paramref name="ServerCpu"/> is mcp-proxy's CPU for tunnels, nginx's (master + workers) for the reference.</summary>
internal sealed record HandshakeResult(HandshakePeer Peer, KeyAlgorithm Algorithm, int Done, int Failed, TimeSpan Elapsed, TimeSpan ServerCpu, bool CpuIncludesClient)
{
    public double PerSecond => Done / Elapsed.TotalSeconds;

    /// <summary>Handshakes per second of server CPU time: the "per core" figure.</summary>
    public double PerCpuSecond => ServerCpu > TimeSpan.Zero ? Done / ServerCpu.TotalSeconds : double.NaN;
}
