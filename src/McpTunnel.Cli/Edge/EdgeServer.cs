using System.Collections.Concurrent;
using System.Net;
using McpTunnel.TunnelClient;
using McpTunnel.Proxy.Forwarding;
using McpTunnel.Proxy.Routing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpTunnel.Cli.Edge;

/// <summary>
/// A local stand-in for Anthropic's side of the tunnel (docs/ARCHITECTURE.md "Edge"): a plain HTTP server whose every
/// request is forwarded the way the real edge does it, through the proxy's own forwarder:
/// <code>
///   MCP client ─HTTP─▶ edge ─WebSocket─▶ mcp-proxy ═inner TLS to &lt;route&gt;.&lt;domain&gt; (registered CA only)═ HTTP/2 or 1.1 ─▶ upstream
/// </code>
/// Tunnels are pooled and reused by the handler. A refused certificate is reported to the caller with the reason
/// the real edge would have (unknown certificate authority, name mismatch, expired).
/// </summary>
internal sealed class EdgeServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly EdgeServerOptions _options;
    private readonly TunnelConnector _connector;
    private readonly HttpForwarder _forwarder;
    private readonly ConcurrentDictionary<string, ForwardTarget> _targets = new(StringComparer.OrdinalIgnoreCase);
    private readonly ILogger _logger;
    private EdgeHostGuard? _guard;

    private EdgeServer(WebApplication app, EdgeServerOptions options, TunnelConnector connector, ILogger logger)
    {
        _app = app;
        _options = options;
        _connector = connector;
        _forwarder = new HttpForwarder(new HttpMessageInvoker(connector.CreateHttpHandler(), disposeHandler: true));
        _logger = logger;
    }

    /// <summary>The address clients use, e.g. <c>http://127.0.0.1:8443</c>.</summary>
    public Uri BaseUri { get; private set; } = null!;

    public static async Task<EdgeServer> StartAsync(EdgeServerOptions options, ILoggerFactory? loggerFactory, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = null;
            k.Listen(options.Listen);
        });
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var logger = (loggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).CreateLogger("mcptunnel-edge");
        var connector = new TunnelConnector(options.ProxyUri, new TunnelServerValidator(options.RegisteredCas));
        var edge = new EdgeServer(app, options, connector, logger);
        app.Run(edge.HandleAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        edge.BaseUri = new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        // Built after binding: with --listen …:0 only now is the port known. Until then every request is refused.
        edge._guard = new EdgeHostGuard(new IPEndPoint(options.Listen.Address, edge.BaseUri.Port), options.TunnelDomain, options.FixedRoute is null, options.AllowedHosts);
        return edge;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var refusal = _guard is null ? "The edge is still starting." : _guard.Refusal(context.Request);
        if (refusal is not null)
        {
            EdgeLog.Refused(_logger, context.Request.Host.Value ?? "", context.Request.Headers.Origin.ToString());
            await WriteErrorAsync(context, StatusCodes.Status403Forbidden, refusal);
            return;
        }

        var host = TunnelHostFor(context.Request.Host.Host);
        if (host is null)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, $"Cannot tell which route to use: send Host: <route>.{_options.TunnelDomain} (or <route>.localhost), or start the edge with --route NAME.");
            return;
        }

        var target = _targets.GetOrAdd(host, h => new ForwardTarget(
            $"https://{h}",
            h,
            addForwardedHeaders: false,
            // No limit of its own: the caller decides how long it waits (Claude's hosted connectors wait up to 300 s
            // for a tool result, answered as one JSON response that sends nothing before it), and its abort
            // cancels the tunnel request (docs/RELIABILITY.md, "Long requests").
            responseHeaderTimeout: Timeout.InfiniteTimeSpan,
            HttpVersion.Version20,
            HttpVersionPolicy.RequestVersionOrLower));
        EdgeLog.Forwarding(_logger, context.Request.Method, host, context.Request.Path.Value ?? "/");

        var result = await _forwarder.ForwardAsync(context, target, forwardedFor: null);
        if (result.Error is ForwarderError.None or ForwarderError.ClientAborted)
        {
            return;
        }

        if (context.Response.HasStarted)
        {
            context.Abort();
            return;
        }

        var message = Describe(result, host);
        EdgeLog.Failed(_logger, host, message);
        await WriteErrorAsync(context, result.Error == ForwarderError.UpstreamResponseTimeout ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status502BadGateway, message);
    }

    /// <summary>The inner TLS server name for a request: the fixed route, a full tunnel host, or the first label of the Host.</summary>
    private string? TunnelHostFor(string requestHost)
    {
        var domain = _options.TunnelDomain;
        if (_options.FixedRoute is { } route)
        {
            return route.Contains('.') ? route : $"{route}.{domain}";
        }

        if (requestHost.EndsWith("." + domain, StringComparison.OrdinalIgnoreCase))
        {
            return requestHost.ToLowerInvariant();
        }

        var dot = requestHost.IndexOf('.');
        return dot > 0 && !IPAddress.TryParse(requestHost, out _) ? $"{requestHost[..dot].ToLowerInvariant()}.{domain}" : null;
    }

    private string Describe(ForwardResult result, string host) => result.Error switch
    {
        ForwarderError.UpstreamTlsFailed =>
            $"Tunnel TLS to {host} failed: {_connector.Validator.LastFailure(host) ?? result.Exception?.GetBaseException().Message}.",
        ForwarderError.UpstreamConnectFailed =>
            $"Cannot reach the proxy at {_options.ProxyUri}: {result.Exception?.GetBaseException().Message}. Is mcp-proxy running and listening there?",
        ForwarderError.UpstreamResponseTimeout => $"The proxy did not answer for {host} in time.",
        _ => $"Tunnel request to {host} failed: {result.Exception?.GetBaseException().Message ?? result.Error.ToString()}.",
    };

    private static async Task WriteErrorAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(message + "\n", context.RequestAborted);
    }
}
