using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.WebSockets;
using McpTunnel.Proxy.Tests.Infrastructure;
using McpTunnel.TunnelClient;
using Xunit.Abstractions;

namespace McpTunnel.Proxy.Tests.Hosting;

/// <summary>
/// Memory a real mcp-proxy process keeps once an attack stops (its resident set from /proc/PID/status): HTTP/2 requests
/// at the 32 KB header limit on many streams, and 1 MB bodies sent in 1-byte WebSocket frames.
/// </summary>
public sealed class MemoryAfterAttackTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AfterHeaderAndOneByteFrameFloods_ResidentMemoryReturnsNearTheBaseline()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        await using var upstream = await TestUpstream.StartAsync();
        using var pki = new TestPki();
        await using var proxy = await TestProxyProcess.StartAsync(pki, $"echo: http://127.0.0.1:{upstream.Port}");
        var connector = proxy.Connector();

        // Baseline: after a few ordinary requests on both protocols (code paths jitted, pools primed).
        using (var warm = Client(connector, http2: true))
        {
            for (var i = 0; i < 50; i++)
            {
                (await warm.GetAsync($"https://echo.{proxy.Pki.TunnelDomain}/echo")).Dispose();
            }
        }

        var baseline = ResidentKb(proxy.Id);

        // Attack 1: 16 tunnels, h2, 30 KB of headers on every request (the tester's HPACK case decodes to the same 32 KB).
        var headerValue = new string('a', 1000);
        await Parallel.ForEachAsync(Enumerable.Range(0, 8), async (_, _) =>
        {
            using var client = Client(connector, http2: true);
            await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (_, _) =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"https://echo.{proxy.Pki.TunnelDomain}/bytes/10");
                for (var h = 0; h < 30; h++)
                {
                    request.Headers.TryAddWithoutValidation($"x-flood-{h}", headerValue);
                }

                (await client.SendAsync(request, CancellationToken.None)).Dispose();
            });
        });
        var afterHeaders = ResidentKb(proxy.Id);

        // Attack 2: four 1 MB uploads at once, every byte of the tunnel in its own WebSocket frame.
        await Parallel.ForEachAsync(Enumerable.Range(0, 4), async (_, _) => await UploadInOneByteFramesAsync(connector, proxy.Pki.TunnelDomain, 256 * 1024));
        var peak = ResidentKb(proxy.Id);

        output.WriteLine($"baseline {baseline / 1024.0:F1} MB, after header flood {afterHeaders / 1024.0:F1} MB, after 1-byte frames {peak / 1024.0:F1} MB");
        var deadline = Stopwatch.StartNew();
        long now;
        while ((now = ResidentKb(proxy.Id)) > baseline + MarginKb && deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            await proxy.WaitForOutputAsync(TimeSpan.FromSeconds(1)); // polls: a line or a second, whichever first
        }

        output.WriteLine($"settled at {now / 1024.0:F1} MB after {deadline.Elapsed.TotalSeconds:F0} s");
        Assert.True(now <= baseline + MarginKb, $"resident {now / 1024.0:F1} MB, baseline {baseline / 1024.0:F1} MB, peak {peak / 1024.0:F1} MB");
    }

    private const long MarginKb = 25 * 1024;

    private static HttpClient Client(TunnelConnector connector, bool http2) => new(connector.CreateHttpHandler())
    {
        DefaultRequestVersion = http2 ? HttpVersion.Version20 : HttpVersion.Version11,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = TimeSpan.FromMinutes(5),
    };

    private static async Task UploadInOneByteFramesAsync(TunnelConnector connector, string domain, int size)
    {
        await using var tunnel = await connector.OpenAsync(CancellationToken.None);
        await using var tls = new SslStream(new OneByteFrames(tunnel), leaveInnerStreamOpen: true);
        await tls.AuthenticateAsClientAsync(connector.CreateClientOptions($"echo.{domain}", [SslApplicationProtocol.Http11]));
        var body = new byte[size];
        var head = System.Text.Encoding.ASCII.GetBytes($"POST /upload HTTP/1.1\r\nHost: echo.{domain}\r\nContent-Length: {size}\r\nConnection: close\r\n\r\n");
        await tls.WriteAsync(head);
        await tls.WriteAsync(body);
        var response = await RawHttp1.ReadResponseAsync(tls);
        Assert.Equal(200, response.Status);
    }

    /// <summary>Sends every byte in a WebSocket message of its own; reads as the tunnel does.</summary>
    private sealed class OneByteFrames(WebSocketTunnelStream tunnel) : McpTunnel.Common.Streams.DuplexStream
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => tunnel.ReadAsync(buffer, cancellationToken);

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            for (var i = 0; i < buffer.Length; i++)
            {
                await tunnel.Socket.SendAsync(buffer.Slice(i, 1), WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
            }
        }
    }

    /// <summary>The process's resident set size in KiB, from <c>/proc/PID/status</c>.</summary>
    private static long ResidentKb(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException("no VmRSS line");
    }
}
