using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using McpTunnel.TunnelClient;
using McpTunnel.Proxy.Tests.Infrastructure;

namespace McpTunnel.Proxy.Tests.EndToEnd;

/// <summary>
/// A client that closes its WebSocket cleanly gets what RFC 6455 section 7.1.1 promises: the close frame echoed, then
/// a TCP FIN, never a reset (cloudflared logs a reset as an origin error). Checked 50 times at each moment a client
/// may close: right after the TLS handshake, after an HTTP/1.1 exchange, and with HTTP/2 inside.
/// </summary>
public sealed class CloseHandshakeTests
{
    public enum Moment
    {
        AfterHandshake,
        AfterHttp11Exchange,
        WithHttp2Inside,
    }

    [Theory]
    [InlineData(Moment.AfterHandshake)]
    [InlineData(Moment.AfterHttp11Exchange)]
    [InlineData(Moment.WithHttp2Inside)]
    public async Task ClientClose_IsEchoedAndEndsWithFin_50Of50(Moment moment)
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        var outcomes = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            outcomes.Add(await CloseOnceAsync(proxy, moment));
        }

        Assert.All(outcomes, o => Assert.Equal("close frame, then FIN", o));
    }

    private static async Task<string> CloseOnceAsync(TestProxy proxy, Moment moment)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, proxy.Server.ListenUri.Port);
        var network = tcp.GetStream();
        await UpgradeAsync(network);
        var observed = new EndObserver(network);
        using var socket = WebSocket.CreateFromStream(observed, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
        var tunnel = new WebSocketTunnelStream(socket);
        var alpn = moment == Moment.WithHttp2Inside ? SslApplicationProtocol.Http2 : SslApplicationProtocol.Http11;
        var ssl = new SslStream(tunnel, leaveInnerStreamOpen: true);
        await ssl.AuthenticateAsClientAsync(proxy.CreateConnector().CreateClientOptions(proxy.HostFor("echo"), [alpn]));
        if (moment == Moment.AfterHttp11Exchange)
        {
            var response = await RawHttp1.ExchangeAsync(ssl, $"GET /echo HTTP/1.1\r\nHost: {proxy.HostFor("echo")}\r\n\r\n");
            Assert.Equal(200, response.Status);
        }
        else if (moment == Moment.WithHttp2Inside)
        {
            var h2 = new RawHttp2(ssl);
            await h2.StartAsync();
        }

        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var buffer = new byte[16 * 1024];
        try
        {
            // Whatever the server still had in flight (h2 GOAWAY, TLS records) may come first; then its close frame.
            // The client WebSocket then reads the TCP connection to its end, which the observer records.
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, timeout.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        catch (WebSocketException ex)
        {
            return $"no close frame: {ex.Message}";
        }

        return await observed.EndAsync.WaitAsync(TimeSpan.FromSeconds(15)) switch
        {
            null => "close frame, then FIN",
            var error => $"close frame, then {error}",
        };
    }

    /// <summary>Records how the server's side of the TCP connection ended: a clean end of stream (FIN), or an error (a reset).</summary>
    private sealed class EndObserver(NetworkStream inner) : Stream
    {
        private readonly TaskCompletionSource<string?> _end = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<string?> EndAsync => _end.Task;

        public override bool CanRead => true;

        public override bool CanWrite => true;

        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                var read = await inner.ReadAsync(buffer, cancellationToken);
                if (read == 0)
                {
                    _end.TrySetResult(null);
                }

                return read;
            }
            catch (IOException ex) when (ex.InnerException is SocketException socket)
            {
                _end.TrySetResult(socket.SocketErrorCode.ToString());
                throw;
            }
            catch (OperationCanceledException)
            {
                _end.TrySetResult("no FIN before the client gave up waiting");
                throw;
            }
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            _end.TrySetResult("disposed before the connection ended");
            base.Dispose(disposing);
        }
    }

    private static async Task UpgradeAsync(NetworkStream network)
    {
        var key = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
        await network.WriteAsync(Encoding.ASCII.GetBytes($"GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"));
        var head = new List<byte>();
        var one = new byte[1];
        while (!Encoding.ASCII.GetString([.. head]).EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            Assert.Equal(1, await network.ReadAsync(one));
            head.Add(one[0]);
        }

        Assert.StartsWith("HTTP/1.1 101", Encoding.ASCII.GetString([.. head]), StringComparison.Ordinal);
    }
}
