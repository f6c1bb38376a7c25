namespace McpTunnel.Proxy.Tls;

/// <summary>How a tunnel's inner TLS handshake ended; the acceptor turns each into one log line and one metric.</summary>
internal enum TunnelHandshakeOutcome
{
    /// <summary>TLS is up: the tunnel goes to Kestrel.</summary>
    Opened,

    /// <summary>The client sent a text WebSocket message (TLS bytes travel in binary messages only).</summary>
    TextMessage,

    /// <summary>The client opened the WebSocket and closed it without a byte of TLS (health checks and port probes).</summary>
    ClosedBeforeTls,

    /// <summary>The handshake failed: an alert from the client, no shared parameters, the deadline, or the client left mid-way.</summary>
    HandshakeFailed,

    /// <summary>The peer stopped answering WebSocket pings during the handshake.</summary>
    PeerUnresponsive,
}
