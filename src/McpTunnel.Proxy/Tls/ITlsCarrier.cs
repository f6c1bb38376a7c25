namespace McpTunnel.Proxy.Tls;

/// <summary>
/// What the inner-TLS stage needs to know about the stream that carries it (the tunnel's WebSocket) to tell a TLS
/// failure from a tunnel that never spoke TLS: a text message instead of binary, a peer that stopped answering pings,
/// and whether any payload arrived at all.
/// </summary>
internal interface ITlsCarrier
{
    bool RejectedTextMessage { get; }

    bool PeerUnresponsive { get; }

    long PayloadBytesReceived { get; }
}
