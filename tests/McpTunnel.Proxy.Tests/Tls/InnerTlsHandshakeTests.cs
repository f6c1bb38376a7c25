using System.Net.Security;
using System.Net.WebSockets;
using System.Text;
using McpTunnel.Proxy.Tests.Infrastructure;
using McpTunnel.Proxy.Tls;

namespace McpTunnel.Proxy.Tests.Tls;

/// <summary>
/// The inner-TLS stage on its own: a real WebSocket server stream on pipes, a real .NET WebSocket and TLS client on the
/// other ends, the deadline on a fake clock. Each way a handshake ends comes back as a value.
/// </summary>
public sealed class InnerTlsHandshakeTests : IAsyncDisposable
{
    private readonly TunnelOverPipes _tunnel = new();

    [Fact]
    public async Task SilentPeer_FailsAtTheDeadline_OnTheInjectedClock()
    {
        // Ten minutes: on a real clock the test's own wait would end first.
        var handshake = _tunnel.Stage(TimeSpan.FromMinutes(10)).RunAsync(_tunnel.Server, CancellationToken.None);
        Assert.False(handshake.IsCompleted);

        _tunnel.Clock.Advance(TimeSpan.FromMinutes(10));
        var result = await handshake.WaitAsync(TunnelOverPipes.Wait);

        Assert.Equal(TunnelHandshakeOutcome.HandshakeFailed, result.Outcome);
        Assert.Equal("handshake timed out after 600s", result.Reason);
        Assert.Equal(TimeSpan.FromMinutes(10), result.Elapsed);
        Assert.Null(result.Stream);
    }

    [Fact]
    public async Task ClientTrustingTheCa_Opens_WithH2AndTheServerName()
    {
        var (result, client) = await _tunnel.OpenAsync($"echo.{TestPki.Domain}");
        await using var _ = client;

        Assert.Equal(TunnelHandshakeOutcome.Opened, result.Outcome);
        Assert.Equal($"echo.{TestPki.Domain}", result.ServerName);
        Assert.NotNull(result.Stream);
        Assert.Equal(SslApplicationProtocol.Http2, result.Stream.NegotiatedApplicationProtocol);
        await result.Stream.DisposeAsync();
    }

    [Fact]
    public async Task CloseWithoutABitOfTls_IsClosedBeforeTls_NotAHandshakeFailure()
    {
        var handshake = _tunnel.Stage().RunAsync(_tunnel.Server, CancellationToken.None);

        await _tunnel.Client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        var result = await handshake.WaitAsync(TunnelOverPipes.Wait);

        Assert.Equal(TunnelHandshakeOutcome.ClosedBeforeTls, result.Outcome);
        Assert.Equal("", result.Reason);
    }

    [Fact]
    public async Task TextMessage_IsItsOwnOutcome()
    {
        var handshake = _tunnel.Stage().RunAsync(_tunnel.Server, CancellationToken.None);

        await _tunnel.Client.SendAsync(Encoding.UTF8.GetBytes("hello"), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        var result = await handshake.WaitAsync(TunnelOverPipes.Wait);

        Assert.Equal(TunnelHandshakeOutcome.TextMessage, result.Outcome);
    }

    public ValueTask DisposeAsync() => _tunnel.DisposeAsync();
}
