using System.Net.Security;

namespace McpTunnel.Proxy.Tls;

/// <summary>
/// The inner TLS handshake's result as a value. <see cref="Stream"/> is set only when <see cref="Outcome"/> is
/// <see cref="TunnelHandshakeOutcome.Opened"/> (on any other outcome the stage has disposed it);
/// <see cref="Reason"/> and <see cref="Error"/> only for a failed handshake or an unresponsive peer.
/// </summary>
internal readonly record struct TunnelHandshakeResult(
    TunnelHandshakeOutcome Outcome,
    SslStream? Stream,
    string ServerName,
    TimeSpan Elapsed,
    string Reason = "",
    Exception? Error = null);
