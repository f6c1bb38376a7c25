using System.Net;
using System.IO.Pipelines;
using System.Net.WebSockets;
using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Logging;
using McpTunnel.Proxy.Tls;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace McpTunnel.Proxy.Listener;

/// <summary>
/// The outer listener (plain HTTP, a WebSocket whose bytes carry the inner TLS; docs/ARCHITECTURE.md "Outer listener"), as a Kestrel connection middleware on
/// <c>listen_addr</c>:
/// <code>
///   WebSocket upgrade (WebSocketUpgrade) ──▶ cap check ──▶ 101 ──▶ inner TLS handshake (deadline) ──▶ queue to Kestrel ──▶ wait ──▶ close 1000
///   anything else ──▶ left unread for Kestrel's HTTP/1.1 ──▶ <see cref="RejectNonWebSocketAsync"/>: 426 Upgrade Required
/// </code>
/// The upgrade and the WebSocket framing (<see cref="WebSocketServerStream"/>) run on the connection's own pipes:
/// a tunnel costs no Kestrel request, ASP.NET WebSocket object or upgraded-body stream (measured in
/// docs/PERFORMANCE.md). The TLS handshake runs here rather than in a Kestrel connection middleware so that a
/// failure can be logged with the client's reason (<c>tls handshake failed: unknown certificate authority</c>) and
/// bounded by our deadline.
/// </summary>
internal sealed class TunnelAcceptor(
    CertificateStore certificates,
    TunnelConnectionListener listener,
    TunnelLimits limits,
    ILogger logger,
    TimeProvider time,
    ITunnelMetrics? metrics = null)
{
    /// <summary>How long a client may take to send its request head (Kestrel's RequestHeadersTimeout default).</summary>
    private static readonly TimeSpan RequestHeadTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long a closed tunnel waits for the peer's close frame: a peer that never answers must not hold it.</summary>
    private static readonly TimeSpan PeerCloseWait = TimeSpan.FromSeconds(2);

    private readonly InnerTlsHandshake _tls = new(certificates, limits.HandshakeTimeout, time);

    private int _active;

    /// <summary>Tunnels currently open (WebSocket accepted and not yet closed).</summary>
    public int ActiveTunnels => Volatile.Read(ref _active);

    /// <summary>Connection middleware for the outer endpoint: WebSocket upgrades become tunnels, the rest goes to <paramref name="next"/>.</summary>
    public async Task OnConnectionAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var input = connection.Transport.Input;
        string key;
        using (var headDeadline = new CancellationTokenSource(RequestHeadTimeout, time))
        {
            while (true)
            {
                ReadResult result;
                try
                {
                    result = await input.ReadAsync(headDeadline.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or IOException or ConnectionResetException)
                {
                    return; // no complete head in time, or the client went away: nothing to answer
                }

                var buffer = result.Buffer;
                var parse = WebSocketUpgrade.TryParse(buffer, out var headEnd, out key);
                if (parse == UpgradeParse.Upgrade)
                {
                    input.AdvanceTo(headEnd);
                    break;
                }

                if (parse == UpgradeParse.Incomplete && !result.IsCompleted)
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                    continue;
                }

                // Not a tunnel: nothing consumed or examined, so Kestrel's HTTP/1.1 parser reads the same bytes and
                // answers (426 from RejectNonWebSocketAsync, 400 for malformed HTTP, 431 for oversized headers).
                input.AdvanceTo(buffer.Start);
                await next(connection);
                return;
            }
        }

        var remote = connection.RemoteEndPoint as IPEndPoint;
        var output = connection.Transport.Output;
        if (Interlocked.Increment(ref _active) > limits.MaxTunnels)
        {
            Interlocked.Decrement(ref _active);
            ProxyLog.TunnelLimitReached(logger, remote?.ToString() ?? "", limits.MaxTunnels);
            metrics?.TunnelRefused("limit_reached");
            WebSocketUpgrade.WriteTunnelLimitReached(output);
            await output.FlushAsync();
            return;
        }

        try
        {
            WebSocketUpgrade.WriteSwitchingProtocols(output, key);
            var flushed = await output.FlushAsync();
            if (flushed.IsCompleted)
            {
                return;
            }

            // Pings keep edges from cutting idle tunnels; a peer that stops answering is cut (dead-peer detection).
            await using var tunnel = new WebSocketServerStream(input, output, connection.Abort, limits.PingInterval, limits.PingTimeout, time);
            tunnel.StartKeepAlive();
            await RunTunnelAsync(tunnel, remote, connection.ConnectionClosed);
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    /// <summary>The outer endpoint's HTTP handler: only requests that are not WebSocket upgrades reach it.</summary>
    public async Task RejectNonWebSocketAsync(HttpContext context)
    {
        // The docs leave non-upgrade requests open: a plain request gets 426 and a one-line explanation (curl users hit this; Troubleshooting.PlainHttp).
        var remote = context.Connection.RemoteIpAddress is { } ip ? new IPEndPoint(ip, context.Connection.RemotePort).ToString() : "";
        ProxyLog.NotWebSocket(logger, remote, context.Request.Method, context.Request.Path);
        context.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
        context.Response.Headers.Upgrade = "websocket";
        context.Response.Headers.Connection = "Upgrade";
        context.Response.Headers.SecWebSocketVersion = "13"; // RFC 6455 section 4.4: the version we speak
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync("This port accepts WebSocket tunnels only: TLS runs inside the WebSocket stream.\n", context.RequestAborted);
    }

    private async Task RunTunnelAsync(WebSocketServerStream tunnel, IPEndPoint? remote, CancellationToken aborted)
    {
        var handshake = await _tls.RunAsync(tunnel, aborted);
        Report(handshake, tunnel, remote);
        if (handshake.Stream is not { } ssl)
        {
            if (handshake.Outcome is TunnelHandshakeOutcome.HandshakeFailed or TunnelHandshakeOutcome.PeerUnresponsive)
            {
                await tunnel.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, "tls handshake failed", CancellationToken.None);
            }

            return;
        }

        var connection = new TunnelConnection(ssl, tunnel, remote, listener.EndPoint, handshake.ServerName, logger);
        if (!listener.TryEnqueue(connection))
        {
            // Shutting down: Kestrel no longer accepts; close this tunnel cleanly instead of leaving it hanging.
            await connection.DisposeAsync();
            await tunnel.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "shutting down", CancellationToken.None);
            metrics?.TunnelClosed(tunnel, WebSocketCloseStatus.EndpointUnavailable);
            return;
        }

        await connection.Completed;
        var closeStatus = tunnel.RejectedTextMessage ? WebSocketCloseStatus.InvalidMessageType : WebSocketCloseStatus.NormalClosure;
        await tunnel.CloseOutputAsync(closeStatus, "", CancellationToken.None);
        metrics?.TunnelClosed(tunnel, closeStatus);

        // Give the peer a moment to answer the close; a peer that never does must not hold the tunnel open.
        try
        {
            await connection.Receiving.WaitAsync(PeerCloseWait, time, aborted);
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
            metrics?.CertificateRejectedAfterHandshake(alert);
        }

        ProxyLog.TunnelClosed(logger, remote?.ToString() ?? "", tunnel.RejectedTextMessage ? "text message" : connection.ReceiveError?.GetBaseException().Message ?? "closed");
    }

    /// <summary>Every way a handshake ends, as one log line and one metric: the only place they are decided.</summary>
    private void Report(in TunnelHandshakeResult handshake, WebSocketServerStream tunnel, IPEndPoint? remote)
    {
        var peer = remote?.ToString() ?? "";
        switch (handshake.Outcome)
        {
            case TunnelHandshakeOutcome.Opened:
                metrics?.HandshakeSucceeded(tunnel, handshake.Elapsed);
                ProxyLog.TunnelOpened(logger, peer, handshake.ServerName, handshake.Stream!.NegotiatedApplicationProtocol.ToString(), handshake.Stream.SslProtocol.ToString());
                break;
            case TunnelHandshakeOutcome.TextMessage:
                ProxyLog.TextMessageRejected(logger);
                metrics?.TunnelRefused("text_message");
                break;
            case TunnelHandshakeOutcome.ClosedBeforeTls:
                ProxyLog.TunnelClosedBeforeTls(logger, peer);
                metrics?.TunnelRefused("closed_before_tls");
                break;
            case TunnelHandshakeOutcome.HandshakeFailed or TunnelHandshakeOutcome.PeerUnresponsive:
                metrics?.HandshakeFailed(handshake.Reason, handshake.Elapsed, WebSocketCloseStatus.PolicyViolation);
                ProxyLog.TlsHandshakeFailed(logger, handshake.Reason, peer, TlsFailureReason.Flatten(handshake.Error!));
                break;
        }
    }
}
