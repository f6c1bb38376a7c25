using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;

namespace McpTunnel.Proxy.Listener;

/// <summary>
/// Kestrel's view of the tunnel endpoint: <see cref="AcceptAsync"/> hands out connections that the WebSocket
/// side queued with <see cref="TryEnqueue"/>. Unbinding (shutdown) stops accepting new tunnels.
/// </summary>
internal sealed class TunnelConnectionListener(TunnelEndPoint endPoint) : IConnectionListener
{
    private readonly Channel<ConnectionContext> _pending = Channel.CreateUnbounded<ConnectionContext>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });

    public EndPoint EndPoint { get; } = endPoint;

    public bool TryEnqueue(ConnectionContext connection) => _pending.Writer.TryWrite(connection);

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _pending.Reader.ReadAsync(cancellationToken);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        _pending.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }
}
