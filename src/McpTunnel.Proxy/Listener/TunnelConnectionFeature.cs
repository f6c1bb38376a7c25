using System.Net;

namespace McpTunnel.Proxy.Listener;

/// <summary>Facts about the tunnel an inner connection arrived on, for routing (SNI check) and logs.</summary>
internal sealed class TunnelConnectionFeature(IPAddress? outerRemoteAddress, string serverName)
{
    /// <summary>The WebSocket peer (cloudflared, or the local edge); becomes X-Forwarded-For.</summary>
    public IPAddress? OuterRemoteAddress { get; } = outerRemoteAddress;

    /// <summary>The TLS SNI the client sent, lower-cased; empty when it sent none.</summary>
    public string ServerName { get; } = serverName;
}
