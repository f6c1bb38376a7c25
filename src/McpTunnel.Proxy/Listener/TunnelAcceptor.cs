using System.Net;
using System.Net.Security;
using System.Net.WebSockets;
using System.Security.Authentication;
using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Logging;
using McpTunnel.Proxy.Tls;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace McpTunnel.Proxy.Listener;

/// <summary>
/// The outer listener's only handler (spec items 31-33; DESIGN.md "Outer listener"):
/// <code>
///   GET + Upgrade: websocket ──▶ cap check ──▶ 101 ──▶ inner TLS handshake (deadline) ──▶ queue to Kestrel ──▶ wait ──▶ close 1000
///   anything else ──▶ 426 Upgrade Required
/// </code>
/// The TLS handshake runs here rather than in a Kestrel connection middleware so that a failure can be logged
/// with the client's reason (<c>tls handshake failed: unknown certificate authority</c>) and bounded by our deadline.
/// </summary>
internal sealed class TunnelAcceptor(
    CertificateStore certificates,
    TunnelConnectionListener listener,
    TunnelLimits limits,
    ILogger logger)
{
    private static readonly List<SslApplicationProtocol> ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11];

    private int _active;

    /// <summary>Tunnels currently open (WebSocket accepted and not yet closed).</summary>
    public int ActiveTunnels => Volatile.Read(ref _active);

    public async Task HandleAsync(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress is { } ip ? new IPEndPoint(ip, context.Connection.RemotePort) : null;
        if (!context.WebSockets.IsWebSocketRequest)
        {
            // OQ1: a plain request gets 426 and a one-line explanation (curl users hit this, troubleshooting row h).
            ProxyLog.NotWebSocket(logger, remote?.ToString() ?? "", context.Request.Method, context.Request.Path);
            context.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            context.Response.Headers.Upgrade = "websocket";
            context.Response.Headers.Connection = "Upgrade";
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("This port accepts WebSocket tunnels only: TLS runs inside the WebSocket stream.\n", context.RequestAborted);
            return;
        }

        if (Interlocked.Increment(ref _active) > limits.MaxTunnels)
        {
            Interlocked.Decrement(ref _active);
            ProxyLog.TunnelLimitReached(logger, remote?.ToString() ?? "", limits.MaxTunnels);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "1";
            await context.Response.WriteAsync("Tunnel limit reached\n", context.RequestAborted);
            return;
        }

        try
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
            {
                // Pings keep edges from cutting idle tunnels; a peer that stops answering is closed (dead-peer detection).
                KeepAliveInterval = limits.PingInterval,
                KeepAliveTimeout = limits.PingTimeout,
                DangerousEnableCompression = false,
            });
            await RunTunnelAsync(socket, remote, context.RequestAborted);
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    private async Task RunTunnelAsync(WebSocket socket, IPEndPoint? remote, CancellationToken aborted)
    {
        var tunnel = new WebSocketTunnelStream(socket);
        var ssl = new SslStream(tunnel, leaveInnerStreamOpen: true);
        var serverName = "";
        using var timer = new CancellationTokenSource(limits.HandshakeTimeout);
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(aborted, timer.Token))
        {
            try
            {
                await ssl.AuthenticateAsServerAsync(
                    (_, clientHello, _, _) =>
                    {
                        serverName = clientHello.ServerName?.ToLowerInvariant() ?? "";
                        return ValueTask.FromResult(new SslServerAuthenticationOptions
                        {
                            ServerCertificateContext = certificates.Current.Context,
                            ApplicationProtocols = ApplicationProtocols,
                            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                            ClientCertificateRequired = false, // spec item 37
                            CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
                            AllowRenegotiation = false,
                        });
                    },
                    null,
                    deadline.Token);
            }
            catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException or WebSocketException)
            {
                var timedOut = timer.IsCancellationRequested;
                if (tunnel.RejectedTextMessage)
                {
                    ProxyLog.TextMessageRejected(logger);
                    await ssl.DisposeAsync();
                    return;
                }

                ProxyLog.TlsHandshakeFailed(logger, TlsFailureReason.Describe(ex, timedOut, limits.HandshakeTimeout), remote?.ToString() ?? "", TlsFailureReason.Flatten(ex));
                await ssl.DisposeAsync();
                await tunnel.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, "tls handshake failed", CancellationToken.None);
                return;
            }
        }

        var connection = new TunnelConnection(ssl, tunnel, remote, listener.EndPoint, serverName);
        ProxyLog.TunnelOpened(logger, remote?.ToString() ?? "", serverName, ssl.NegotiatedApplicationProtocol.ToString(), ssl.SslProtocol.ToString());
        if (!listener.TryEnqueue(connection))
        {
            // Shutting down: Kestrel no longer accepts; close this tunnel cleanly instead of leaving it hanging.
            await connection.DisposeAsync();
            await tunnel.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "shutting down", CancellationToken.None);
            return;
        }

        await connection.Completed;
        await tunnel.CloseOutputAsync(
            tunnel.RejectedTextMessage ? WebSocketCloseStatus.InvalidMessageType : WebSocketCloseStatus.NormalClosure,
            "",
            CancellationToken.None);

        // Give the peer a moment to answer the close; a peer that never does must not hold the tunnel open.
        try
        {
            await connection.Receiving.WaitAsync(TimeSpan.FromSeconds(2), aborted);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
        }

        await ssl.DisposeAsync();

        // Clients that verify the certificate after the handshake (TLS 1.3) reject it with an alert that arrives
        // here, on the first read: report it like a handshake failure, since that is what the operator must fix.
        if (connection.ReceiveError is { } error && TlsFailureReason.TryDescribeAlert(error, out var alert))
        {
            ProxyLog.TlsHandshakeFailed(logger, alert, remote?.ToString() ?? "", TlsFailureReason.Flatten(error));
        }

        ProxyLog.TunnelClosed(logger, remote?.ToString() ?? "", tunnel.RejectedTextMessage ? "text message" : connection.ReceiveError?.GetBaseException().Message ?? "closed");
    }
}
