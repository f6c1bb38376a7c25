using System.Net.WebSockets;

namespace McpTunnel.Proxy.Listener;

/// <summary>
/// The tunnel events the listener reports, one call each; implemented by the metrics side folder
/// (<c>Observability/ProxyMetrics</c>), so the listener does not depend on it (the dependency points from the observer
/// to the stage it observes). Null in a plain config.
/// </summary>
internal interface ITunnelMetrics
{
    void TunnelRefused(string outcome);

    void HandshakeSucceeded(WebSocketServerStream tunnel, TimeSpan elapsed);

    void HandshakeFailed(string reason, TimeSpan elapsed, WebSocketCloseStatus closedWith);

    void CertificateRejectedAfterHandshake(string reason);

    void TunnelClosed(WebSocketServerStream tunnel, WebSocketCloseStatus closedWith);
}
