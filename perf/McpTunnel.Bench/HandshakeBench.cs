using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Net;
using McpTunnel.Pki.Issuing;
using McpTunnel.TunnelClient;

namespace McpTunnel.Bench;

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
        // One proxy per --proxy-binary (the default build when none or one is given), so another build's handshakes are
        // measured in the same run as this one's, under the same host load: labelled tunnel, tunnel+bin2, ...
        IReadOnlyList<string?> binaries = options.ProxyOutOfProcess && options.ProxyBinaries.Count > 1 ? [.. options.ProxyBinaries] : [null];
        foreach (var algorithm in new[] { KeyAlgorithm.EcdsaP256, KeyAlgorithm.Rsa2048, KeyAlgorithm.Rsa4096 })
        {
            var (certFile, keyFile) = BenchStack.WriteServerCertificate(stack.Ca, stack.Directory, algorithm);
            for (var index = 0; index < binaries.Count; index++)
            {
                var label = ProxyLabel(index);
                await using var proxy = await ProxyHost.StartAsync(BenchStack.ProxyConfigYaml(certFile, keyFile, stack.Upstream.Port, 10_000), stack.Directory, options, cancellationToken, binaries[index]);
                var connector = new TunnelConnector(proxy.WebSocketUri, stack.Validator);
                var result = await MeasureAsync(
                    HandshakePeer.Tunnel, HandshakeMode.Full, algorithm, ct => connector.ConnectTlsAsync(BenchStack.RouteHost, [SslApplicationProtocol.Http11], ct), null, proxy.CpuTime, !proxy.OutOfProcess, options, cancellationToken);
                results.Add(result with { Proxy = label });
                await log.WriteLineAsync($"  handshake {algorithm,-10} {label,-12} {result.PerSecond,7:F0} tunnels/s  {result.PerCpuSecond,7:F0} per proxy CPU-second  failed {result.Failed}");

                // BenchStack started nginx with an ECDSA P-256 certificate, so only that key type has a like-for-like
                // reference; measured once, beside the first proxy.
                var nginx = index == 0 ? stack.Nginx : null;
                if (algorithm == KeyAlgorithm.EcdsaP256 && nginx is not null)
                {
                    var reference = await MeasureAsync(
                        HandshakePeer.NginxTlsOnly,
                        HandshakeMode.Full,
                        algorithm,
                        ct => ConnectTlsAsync(nginx.Port, connector.CreateClientOptions(BenchStack.RouteHost, [SslApplicationProtocol.Http11]), ct),
                        null,
                        nginx.CpuTime,
                        cpuIncludesClient: false,
                        options,
                        cancellationToken);
                    results.Add(reference);
                    await log.WriteLineAsync($"  handshake nginx TLS only (reference, {algorithm}) {reference.PerSecond,7:F0} handshakes/s  {reference.PerCpuSecond,7:F0} per nginx CPU-second  failed {reference.Failed}");
                }

                if (algorithm == KeyAlgorithm.EcdsaP256)
                {
                    await MeasureWithRequestAsync(results, label, nginx, proxy, connector, options, log, cancellationToken);
                }
            }
        }

        return results;
    }

    /// <summary>The first proxy is "tunnel", the second and later <c>--proxy-binary</c> "tunnel+bin2", … as in the other parts.</summary>
    internal static string ProxyLabel(int index) => index == 0 ? "tunnel" : $"tunnel+bin{index + 1}";

    /// <summary>
    /// What an edge that opens a tunnel per call pays: a new tunnel (or, for nginx, a TLS connection), one MCP POST
    /// answered, close — once with full handshakes (session resumption off in the client) and once with a client that
    /// presents the session ticket its previous connection received (TLS 1.3 resumption: no certificate, no signature).
    /// The reading of each response is also what receives the server's ticket.
    /// </summary>
    private static async Task MeasureWithRequestAsync(
        List<HandshakeResult> results, string label, NginxPeer? nginxPeer, ProxyHost proxy, TunnelConnector connector, BenchOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        foreach (var mode in new[] { HandshakeMode.FullWithRequest, HandshakeMode.ResumedWithRequest })
        {
            var clientOptions = connector.CreateClientOptions(BenchStack.RouteHost, [SslApplicationProtocol.Http11]);
            clientOptions.AllowTlsResume = mode == HandshakeMode.ResumedWithRequest;
            var tunnel = await MeasureAsync(
                HandshakePeer.Tunnel, mode, KeyAlgorithm.EcdsaP256, ct => connector.ConnectTlsAsync(clientOptions, ct), OneRequestAsync, proxy.CpuTime, !proxy.OutOfProcess, options, cancellationToken);
            results.Add(tunnel with { Proxy = label });
            await log.WriteLineAsync($"  handshake {Describe(mode)}: {label} {tunnel.PerSecond,7:F0}/s  {tunnel.PerCpuSecond,7:F0} per proxy CPU-second  failed {tunnel.Failed}");
            if (nginxPeer is { } nginx)
            {
                var nginxOptions = connector.CreateClientOptions(BenchStack.RouteHost, [SslApplicationProtocol.Http11]);
                nginxOptions.AllowTlsResume = mode == HandshakeMode.ResumedWithRequest;
                var reference = await MeasureAsync(
                    HandshakePeer.Nginx, mode, KeyAlgorithm.EcdsaP256, ct => ConnectTlsAsync(nginx.Port, nginxOptions, ct), OneRequestAsync, nginx.CpuTime, cpuIncludesClient: false, options, cancellationToken);
                results.Add(reference);
                await log.WriteLineAsync($"  handshake {Describe(mode)}: nginx  {reference.PerSecond,7:F0}/s  {reference.PerCpuSecond,7:F0} per nginx CPU-second  failed {reference.Failed}");
            }
        }
    }

    internal static string Describe(HandshakeMode mode) => mode switch
    {
        HandshakeMode.FullWithRequest => "full handshake + one MCP request + close",
        HandshakeMode.ResumedWithRequest => "resumed (session ticket) + one MCP request + close",
        _ => "full handshake + close",
    };

    private static readonly byte[] McpRequest = [
        .. System.Text.Encoding.ASCII.GetBytes(
            $"POST /mcp HTTP/1.1\r\nHost: {BenchStack.RouteHost}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n" +
            $"Content-Length: {LoadGenerator.ToolsCallBody.Length}\r\n\r\n"),
        .. LoadGenerator.ToolsCallBody,
    ];

    /// <summary>One MCP POST on a fresh TLS connection; returns once the whole response (headers + Content-Length body) is read.</summary>
    private static async Task OneRequestAsync(SslStream ssl, CancellationToken cancellationToken)
    {
        await ssl.WriteAsync(McpRequest, cancellationToken);
        var buffer = new byte[4096];
        var filled = 0;
        while (true)
        {
            var read = await ssl.ReadAsync(buffer.AsMemory(filled), cancellationToken);
            if (read == 0)
            {
                throw new IOException("connection closed before the response was complete");
            }

            filled += read;
            var text = System.Text.Encoding.ASCII.GetString(buffer, 0, filled);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end < 0)
            {
                continue;
            }

            if (!text.StartsWith("HTTP/1.1 200", StringComparison.Ordinal))
            {
                throw new IOException($"unexpected response: {text[..Math.Min(text.Length, 40)]}");
            }

            var lengthAt = text.IndexOf("Content-Length:", 0, end, StringComparison.OrdinalIgnoreCase);
            var length = lengthAt < 0 ? 0 : int.Parse(text.AsSpan(lengthAt + 15, text.IndexOf('\r', lengthAt) - lengthAt - 15).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            if (filled >= end + 4 + length)
            {
                return;
            }
        }
    }

    /// <summary>A warm-up of a tenth of the count (JIT, connection paths), then the measured run with the server's CPU delta.</summary>
    private static async Task<HandshakeResult> MeasureAsync(
        HandshakePeer peer,
        HandshakeMode mode,
        KeyAlgorithm algorithm,
        Func<CancellationToken, Task<SslStream>> connect,
        Func<SslStream, CancellationToken, Task>? use,
        Func<TimeSpan> serverCpu,
        bool cpuIncludesClient,
        BenchOptions options,
        CancellationToken cancellationToken)
    {
        await OpenCloseAsync(connect, use, Math.Max(10, options.Handshakes / 10), options.HandshakeConcurrency, cancellationToken);
        var cpuBefore = serverCpu();
        var started = Stopwatch.GetTimestamp();
        var (done, failed) = await OpenCloseAsync(connect, use, options.Handshakes, options.HandshakeConcurrency, cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var cpu = serverCpu() - cpuBefore;
        return new HandshakeResult(peer, algorithm, done, failed, elapsed, cpu, cpuIncludesClient) { Mode = mode };
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

    /// <summary>
    /// Opens and closes <paramref name="count"/> TLS sessions, <paramref name="concurrency"/> at a time (bounded in count and
    /// by a 120 s deadline), running <paramref name="use"/> on each before it closes.
    /// </summary>
    private static async Task<(int Done, int Failed)> OpenCloseAsync(
        Func<CancellationToken, Task<SslStream>> connect, Func<SslStream, CancellationToken, Task>? use, int count, int concurrency, CancellationToken cancellationToken)
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
                    if (use is not null)
                    {
                        await use(ssl, deadline.Token);
                    }

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

/// <summary>What a handshake row measures: new tunnels through mcp-proxy, the nginx TLS-only reference, or nginx doing what the tunnel row beside it does.</summary>
internal enum HandshakePeer
{
    Tunnel,
    NginxTlsOnly,
    Nginx,
}

/// <summary>What each connection of a handshake row does: a full handshake and close, or with one MCP request before the close, the handshake full or resumed.</summary>
internal enum HandshakeMode
{
    Full,
    FullWithRequest,
    ResumedWithRequest,
}

/// <summary>One handshake row; <paramref name="ServerCpu"/> is mcp-proxy's CPU for tunnels, nginx's (master + workers) for the reference.</summary>
internal sealed record HandshakeResult(HandshakePeer Peer, KeyAlgorithm Algorithm, int Done, int Failed, TimeSpan Elapsed, TimeSpan ServerCpu, bool CpuIncludesClient)
{
    public HandshakeMode Mode { get; init; } = HandshakeMode.Full;

    /// <summary>Which proxy a tunnel row measured: "tunnel" (the first or only build), "tunnel+bin2" for a second <c>--proxy-binary</c>, …</summary>
    public string Proxy { get; init; } = "tunnel";

    public double PerSecond => Done / Elapsed.TotalSeconds;

    /// <summary>Handshakes per second of server CPU time: the "per core" figure.</summary>
    public double PerCpuSecond => ServerCpu > TimeSpan.Zero ? Done / ServerCpu.TotalSeconds : double.NaN;
}
