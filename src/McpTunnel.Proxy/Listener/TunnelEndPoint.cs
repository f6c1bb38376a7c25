using System.Net;

namespace McpTunnel.Proxy.Listener;

/// <summary>
/// The private endpoint the inner HTTP server "listens" on: connections arrive here from accepted WebSockets,
/// not from a socket, so Kestrel's HTTP/1.1 and HTTP/2 stacks serve the inner traffic (docs/ARCHITECTURE.md "Inner TLS and HTTP").
/// </summary>
internal sealed class TunnelEndPoint : EndPoint
{
    /// <summary>How the endpoint shows in Kestrel's logs and in its metrics' <c>server.address</c>.</summary>
    public const string Address = "tunnel://inner";

    /// <summary>
    /// Not a socket family. The base class throws here, and Kestrel's connection metrics read it: with them enabled,
    /// every inner connection died before its first request.
    /// </summary>
    public override System.Net.Sockets.AddressFamily AddressFamily => System.Net.Sockets.AddressFamily.Unspecified;

    public override string ToString() => Address;
}
