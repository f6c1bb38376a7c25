using System.Net;

namespace McpTunnel.Proxy.Listener;

/// <summary>
/// The private endpoint the inner HTTP server "listens" on: connections arrive here from accepted WebSockets,
/// not from a socket, so Kestrel's HTTP/1.1 and HTTP/2 stacks serve the inner traffic (DESIGN.md).
/// </summary>
internal sealed class TunnelEndPoint : EndPoint
{
    public override string ToString() => "tunnel://inner";
}
