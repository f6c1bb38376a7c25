using System.Net;
using System.Net.Security;
using System.Net.WebSockets;
using System.Security.Authentication;

namespace McpTunnel.TunnelClient;

/// <summary>
/// The client end of a tunnel, as the tunnel edge and cloudflared together present it to the proxy:
/// a WebSocket to the proxy's listener, and (optionally) the inner TLS session to <c>&lt;route&gt;.&lt;tunnel-domain&gt;</c>
/// verified by <see cref="TunnelServerValidator"/>. Used by <c>mcptunnel edge</c>, <c>doctor</c>, the benchmark and the tests.
/// </summary>
internal sealed class TunnelConnector(Uri proxyUri, TunnelServerValidator validator)
{
    public Uri ProxyUri { get; } = proxyUri;

    public TunnelServerValidator Validator { get; } = validator;

    /// <summary>WebSocket keep-alive pings from our side, as an edge would send.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Opens the WebSocket and returns it as a byte stream (no TLS yet).</summary>
    public async Task<WebSocketTunnelStream> OpenAsync(CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = KeepAliveInterval;
        socket.Options.Proxy = null;
        try
        {
            await socket.ConnectAsync(ProxyUri, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new WebSocketTunnelStream(socket, ownsSocket: true);
    }

    /// <summary>Opens a tunnel and completes the inner TLS handshake to <paramref name="serverName"/>.</summary>
    public Task<SslStream> ConnectTlsAsync(string serverName, IReadOnlyList<SslApplicationProtocol> protocols, CancellationToken cancellationToken) =>
        ConnectTlsAsync(CreateClientOptions(serverName, protocols), cancellationToken);

    /// <summary>Opens a tunnel and completes the inner TLS handshake with <paramref name="options"/> (e.g. from <see cref="CreateClientOptions"/>, with session resumption turned off).</summary>
    public async Task<SslStream> ConnectTlsAsync(SslClientAuthenticationOptions options, CancellationToken cancellationToken)
    {
        var tunnel = await OpenAsync(cancellationToken);
        var ssl = new SslStream(tunnel, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(options, cancellationToken);
            return ssl;
        }
        catch
        {
            await ssl.DisposeAsync();
            throw;
        }
    }

    public SslClientAuthenticationOptions CreateClientOptions(string serverName, IReadOnlyList<SslApplicationProtocol> protocols) => new()
    {
        TargetHost = serverName,
        ApplicationProtocols = [.. protocols],
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        RemoteCertificateValidationCallback = Validator.Validate,
        CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
    };

    /// <summary>
    /// An HTTP handler whose every connection is a fresh tunnel: requests to <c>https://&lt;route&gt;.&lt;domain&gt;/…</c>
    /// travel WebSocket → inner TLS (done by the handler, verified against the registered CAs) → HTTP/1.1 or h2.
    /// Connections are pooled, so tunnels are reused across requests.
    /// </summary>
    public SocketsHttpHandler CreateHttpHandler() => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        ActivityHeadersPropagator = null,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
        EnableMultipleHttp2Connections = true,
        ConnectTimeout = TimeSpan.FromSeconds(15),
        ConnectCallback = async (_, cancellationToken) => await OpenAsync(cancellationToken),
        SslOptions =
        {
            RemoteCertificateValidationCallback = Validator.Validate,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
        },
    };
}
