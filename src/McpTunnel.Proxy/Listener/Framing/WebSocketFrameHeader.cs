namespace McpTunnel.Proxy.Listener.Framing;

/// <summary>One client frame's header as read off the wire (RFC 6455 section 5.2).</summary>
/// <param name="Mask">The masking key as read (first key byte in the lowest byte).</param>
/// <param name="HeaderLength">Bytes before the payload, masking key included.</param>
internal readonly record struct WebSocketFrameHeader(WebSocketOpcode Opcode, bool Final, long PayloadLength, int HeaderLength, uint Mask)
{
    public bool IsControl => Opcode >= WebSocketOpcode.Close;
}
