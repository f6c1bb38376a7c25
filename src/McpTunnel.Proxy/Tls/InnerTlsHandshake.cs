using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace McpTunnel.Proxy.Tls;

/// <summary>
/// The inner-TLS stage: the server side of the TLS session that runs inside a tunnel's WebSocket. It owns the server
/// options (the current certificate, ALPN h2 then http/1.1, TLS 1.2+, no client certificate, no renegotiation), the
/// handshake deadline on the injected clock, the triage of a failure (docs/ARCHITECTURE.md "Inner TLS runs in the
/// tunnel layer"), and releasing OpenSSL's buffers once the session is up; it answers with a
/// <see cref="TunnelHandshakeResult"/> and leaves logging and counting to the caller.
/// </summary>
internal sealed class InnerTlsHandshake(CertificateStore certificates, TimeSpan timeout, TimeProvider time)
{
    private static readonly List<SslApplicationProtocol> ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11];

    /// <summary>The reason logged when the WebSocket's keep-alive gave up on the peer during the handshake.</summary>
    public const string PeerUnresponsiveReason = "the peer stopped answering WebSocket pings during the handshake";

    /// <summary>Runs the server handshake over <paramref name="carrier"/> until it succeeds, fails, or the deadline or <paramref name="aborted"/> ends it.</summary>
    public async Task<TunnelHandshakeResult> RunAsync<TCarrier>(TCarrier carrier, CancellationToken aborted)
        where TCarrier : Stream, ITlsCarrier
    {
        var ssl = new SslStream(carrier, leaveInnerStreamOpen: true);
        var serverName = "";
        var started = time.GetTimestamp();
        using var timer = new CancellationTokenSource(timeout, time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(aborted, timer.Token);
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
                        ClientCertificateRequired = false, // the edge authenticates the proxy, not the other way round
                        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                        AllowRenegotiation = false,
                    });
                },
                null,
                deadline.Token);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException)
        {
            var timedOut = timer.IsCancellationRequested;
            var elapsed = time.GetElapsedTime(started);
            await ssl.DisposeAsync();
            if (carrier.RejectedTextMessage)
            {
                return new(TunnelHandshakeOutcome.TextMessage, null, serverName, elapsed);
            }

            if (carrier.PayloadBytesReceived == 0 && !timedOut && !carrier.PeerUnresponsive)
            {
                // Not a TLS failure: the client opened a WebSocket and closed it without a single byte of TLS.
                return new(TunnelHandshakeOutcome.ClosedBeforeTls, null, serverName, elapsed);
            }

            return carrier.PeerUnresponsive
                ? new(TunnelHandshakeOutcome.PeerUnresponsive, null, serverName, elapsed, PeerUnresponsiveReason, ex)
                : new(TunnelHandshakeOutcome.HandshakeFailed, null, serverName, elapsed, TlsFailureReason.Describe(ex, timedOut, timeout), ex);
        }

        // An idle tunnel then holds no OpenSSL record buffers (~10-17 KB each) and no handshake leftovers in the memory
        // BIOs (~1.2 KB); see OpenSslIdleBuffers and OpenSslBioBuffers for why and how.
        OpenSslIdleBuffers.TryEnable(ssl);
        OpenSslBioBuffers.TryRelease(ssl);
        return new(TunnelHandshakeOutcome.Opened, ssl, serverName, time.GetElapsedTime(started));
    }
}
