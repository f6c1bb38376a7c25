using System.Net.WebSockets;
using McpTunnel.Common.Streams;

namespace McpTunnel.TunnelClient;

/// <summary>
/// Presents a client <see cref="WebSocket"/> as the byte stream the inner TLS session runs over: binary messages are concatenated, their boundaries mean nothing; a text message is a protocol error.
/// The client end of a tunnel (<c>mcptunnel edge</c>, doctor, the benchmark, tests); the proxy's end is
/// <see cref="WebSocketServerStream"/>, framed on the connection's pipes.
/// One reader and one writer may use it concurrently, which is what <see cref="System.Net.Security.SslStream"/> does.
/// </summary>
internal sealed class WebSocketTunnelStream(WebSocket socket, bool ownsSocket = false) : DuplexStream
{
    private int _closed;

    public WebSocket Socket { get; } = socket;

    /// <summary>Set when the peer sent a text message; the tunnel was closed with 1003.</summary>
    public bool RejectedTextMessage { get; private set; }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (Socket.State is not (WebSocketState.Open or WebSocketState.CloseSent))
            {
                return 0;
            }

            ValueWebSocketReceiveResult result;
            try
            {
                result = await Socket.ReceiveAsync(buffer, cancellationToken);
            }
            catch (WebSocketException) when (Socket.State is WebSocketState.Aborted or WebSocketState.Closed)
            {
                return 0;
            }

            switch (result.MessageType)
            {
                case WebSocketMessageType.Close:
                    await CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                    return 0;
                case WebSocketMessageType.Text:
                    RejectedTextMessage = true;
                    await CloseOutputAsync(WebSocketCloseStatus.InvalidMessageType, "binary messages only", CancellationToken.None);
                    throw new IOException("the peer sent a text WebSocket message; tunnels carry binary messages only");
                default:
                    // A zero-byte read (SslStream issues one for an idle tunnel, so that no buffer is held while it
                    // waits) completes once a data frame has arrived; its payload stays unread in the socket.
                    if (result.Count > 0 || buffer.IsEmpty)
                    {
                        return result.Count;
                    }

                    break; // an empty binary frame carries nothing; keep reading
            }
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        Socket.SendAsync(buffer, WebSocketMessageType.Binary, WebSocketMessageFlags.EndOfMessage, cancellationToken);

    public override async ValueTask DisposeAsync()
    {
        if (ownsSocket)
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", deadline.Token);
            Socket.Dispose();
        }

        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && ownsSocket)
        {
            Socket.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Sends a close frame once, without waiting for the peer's (a peer that never answers must not hold us).</summary>
    public async Task CloseOutputAsync(WebSocketCloseStatus status, string description, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _closed, 1) == 1)
        {
            return;
        }

        try
        {
            if (Socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await Socket.CloseOutputAsync(status, description, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer is gone; there is nobody left to tell.
        }
    }
}
