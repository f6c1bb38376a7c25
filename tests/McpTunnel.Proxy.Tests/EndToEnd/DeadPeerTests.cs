using System.Net;
using System.Net.Sockets;
using System.Text;
using McpTunnel.Proxy.Tests.Infrastructure;

namespace McpTunnel.Proxy.Tests.EndToEnd;

/// <summary>docs/ARCHITECTURE.md "Outer listener": a peer that stops answering pings is closed (dead-peer detection).</summary>
public sealed class DeadPeerTests
{
    [Fact]
    public async Task PeerThatNeverAnswersPings_IsClosed()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartAsync(
            $"echo: http://127.0.0.1:{upstream.Port}",
            "upstream:\n  allowed_ips: [127.0.0.0/8]\nlimits:\n  ping_interval: 200ms\n  ping_timeout: 500ms\n  handshake_timeout: 1h\n");

        // A raw client: completes the WebSocket upgrade, then never reads or answers anything.
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, proxy.Server.ListenUri.Port);
        var stream = tcp.GetStream();
        var upgrade = $"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {Convert.ToBase64String(new byte[16])}\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(upgrade));
        await ReadUpgradeResponseAsync(stream);

        // The handshake deadline is an hour away: only the unanswered pings can end this tunnel.
        var ended = await proxy.Logs.WaitForMessageAsync("tls handshake failed", TimeSpan.FromSeconds(20));
        Assert.Equal("tls handshake failed: the peer stopped answering WebSocket pings during the handshake", ended.Message);
    }

    private static async Task ReadUpgradeResponseAsync(NetworkStream stream)
    {
        var seen = new StringBuilder();
        var buffer = new byte[1];
        while (!seen.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(buffer) > 0)
        {
            seen.Append((char)buffer[0]);
        }

        Assert.StartsWith("HTTP/1.1 101", seen.ToString(), StringComparison.Ordinal);
    }
}
