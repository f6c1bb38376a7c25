using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using McpTunnel.Cli.Terminal;
using McpTunnel.TunnelClient;

namespace McpTunnel.Cli.Doctor;

/// <summary>
/// Layer (a): something listens on the proxy's address, it is our kind of listener (a plain GET gets
/// <c>426 Upgrade Required</c>, docs/ARCHITECTURE.md "Outer listener"), and it accepts a WebSocket upgrade.
/// </summary>
internal static class ProxyProbe
{
    private const DoctorLayer Layer = DoctorLayer.Proxy;

    public static async Task RunAsync(TunnelConnector connector, DoctorReport report, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var wsUri = connector.ProxyUri;
        var httpUri = new UriBuilder(wsUri) { Scheme = wsUri.Scheme == "wss" ? "https" : "http" }.Uri;
        var subject = $"{wsUri.Host}:{wsUri.Port}";
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { Timeout = timeout };
        try
        {
            using var response = await http.GetAsync(httpUri, cancellationToken);
            if (response.StatusCode != HttpStatusCode.UpgradeRequired)
            {
                report.Add(DoctorCheck.Fail(Layer, subject, "listening", $"something answers, but a plain GET got {(int)response.StatusCode} instead of 426 Upgrade Required: this is not the proxy's WebSocket listener", Troubleshooting.NotRegistered, "Point --proxy (and cloudflared's --url) at the proxy's listen_addr"));
                return;
            }

            report.Add(DoctorCheck.Pass(Layer, subject, "listening", $"plain GET {httpUri} answered 426 Upgrade Required (expected: TLS runs inside the WebSocket; troubleshooting \"plain HTTP to the proxy\")"));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            var detail = ex.InnerException is SocketException socket ? socket.SocketErrorCode == SocketError.ConnectionRefused ? "connection refused" : socket.Message : ex.Message;
            report.Add(DoctorCheck.Fail(Layer, subject, "listening", $"nothing answers at {httpUri}: {detail}", Troubleshooting.NotRegistered));
            return;
        }

        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(timeout);
            await using var tunnel = await connector.OpenAsync(cts.Token);
            report.Add(DoctorCheck.Pass(Layer, subject, "websocket upgrade", $"{wsUri} accepted a WebSocket (what cloudflared forwards)"));
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or HttpRequestException)
        {
            report.Add(DoctorCheck.Fail(Layer, subject, "websocket upgrade", $"{wsUri} refused the WebSocket upgrade: {ex.Message}", Troubleshooting.NotRegistered));
        }
    }
}
