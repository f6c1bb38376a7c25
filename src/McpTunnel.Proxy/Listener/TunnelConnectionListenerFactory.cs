using System.Net;
using Microsoft.AspNetCore.Connections;

namespace McpTunnel.Proxy.Listener;

/// <summary>
/// Lets Kestrel bind the <see cref="TunnelEndPoint"/> (and only it: sockets keep serving IP endpoints), the
/// seam through which accepted WebSockets become Kestrel connections.
/// </summary>
internal sealed class TunnelConnectionListenerFactory(TunnelConnectionListener listener) : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    public bool CanBind(EndPoint endpoint) => ReferenceEquals(endpoint, listener.EndPoint);

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default) =>
        CanBind(endpoint)
            ? ValueTask.FromResult<IConnectionListener>(listener)
            : throw new NotSupportedException($"{endpoint} is not the tunnel endpoint");
}
