using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace McpTunnel.Cli.Edge;

/// <summary>How <see cref="EdgeServer"/> listens and where it sends the tunnels.</summary>
/// <param name="Listen">Plain-HTTP address MCP clients connect to.</param>
/// <param name="ProxyUri">The proxy's WebSocket listener, e.g. <c>ws://127.0.0.1:8080</c> (what cloudflared targets).</param>
/// <param name="RegisteredCas">The CAs registered on the tunnel: the only trust anchors for the inner TLS.</param>
/// <param name="TunnelDomain">The tunnel's domain; requests go to <c>&lt;route&gt;.&lt;domain&gt;</c>.</param>
/// <param name="FixedRoute">Route used for every request (for clients that cannot set Host); null routes by the Host's first label.</param>
internal sealed record EdgeServerOptions(
    IPEndPoint Listen,
    Uri ProxyUri,
    X509Certificate2Collection RegisteredCas,
    string TunnelDomain,
    string? FixedRoute = null)
{
    /// <summary><c>--allowed-host</c>: extra Host (and browser Origin) names served besides the edge's own address; host or host:port.</summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];
}
