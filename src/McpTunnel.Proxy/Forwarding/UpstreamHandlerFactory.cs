using System.Net;
using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Egress;

namespace McpTunnel.Proxy.Forwarding;

/// <summary>
/// The upstream hop's <see cref="SocketsHttpHandler"/> (docs/ARCHITECTURE.md "Forwarding"): no redirects, no proxy, no cookies,
/// no decompression, no tracing headers, egress policy in the connect callback, upstream TLS verified by
/// <see cref="UpstreamCertificateValidator"/>, pooled keep-alive connections.
/// </summary>
internal static class UpstreamHandlerFactory
{
    public static SocketsHttpHandler Create(UpstreamSettings settings, EgressPolicy policy, ILogger logger)
    {
        var connector = new EgressConnector(policy, logger);
        var validator = new UpstreamCertificateValidator(settings);
        return new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ActivityHeadersPropagator = null,
            ConnectTimeout = settings.ConnectTimeout,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90), // idle upstream connections are kept 90 s, then closed
            EnableMultipleHttp2Connections = true,
            MaxResponseHeadersLength = 64,
            ConnectCallback = connector.ConnectAsync,
            SslOptions = { RemoteCertificateValidationCallback = validator.Validate },
        };
    }
}
