using System.Net;
using McpTunnel.Proxy.Listener;
using McpTunnel.Proxy.Tests.Infrastructure;

namespace McpTunnel.Proxy.Tests.Listener;

/// <summary>The tunnel connection's pumps: what ends them in the normal course is quiet; anything else is an Error line, as in Kestrel's socket transport.</summary>
public sealed class TunnelConnectionPumpTests : IAsyncDisposable
{
    private readonly TunnelOverPipes _tunnel = new();
    private readonly LogCapture _logs = new();

    [Fact]
    public async Task SendPump_UnexpectedException_IsLoggedAtError_NamingThePump()
    {
        var (handshake, client) = await _tunnel.OpenAsync($"echo.{TestPki.Domain}");
        await using var _ = client;
        await using var connection = new TunnelConnection(handshake.Stream!, _tunnel.Server, null, new IPEndPoint(IPAddress.Loopback, 1), handshake.ServerName, _logs.CreateLogger("tunnel"));

        // What Kestrel's side of the pipe would do after a bug of its own: complete its output with an exception.
        await connection.Transport.Output.CompleteAsync(new InvalidOperationException("a bug, not a peer"));
        var entry = await _logs.WaitForMessageAsync("unexpected exception in tunnel pump");

        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Equal("send", entry.Fields["pump"]);
        Assert.Equal("InvalidOperationException", entry.Fields["type"]);
    }

    [Fact]
    public async Task PeerGoingAway_EndsThePumpsWithoutAnErrorLine()
    {
        var (handshake, client) = await _tunnel.OpenAsync($"echo.{TestPki.Domain}");
        await using var _ = client;
        await using var connection = new TunnelConnection(handshake.Stream!, _tunnel.Server, null, new IPEndPoint(IPAddress.Loopback, 1), handshake.ServerName, _logs.CreateLogger("tunnel"));

        await _tunnel.Client.CloseOutputAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        await connection.Receiving.WaitAsync(TunnelOverPipes.Wait);
        await connection.DisposeAsync();

        Assert.DoesNotContain(_logs.Entries, e => e.Level == LogLevel.Error);
    }

    public async ValueTask DisposeAsync()
    {
        await _tunnel.DisposeAsync();
        _logs.Dispose();
    }
}
