namespace McpTunnel.Proxy.Configuration;

/// <summary>What <c>upstream.host_header.&lt;route&gt;</c> asks the proxy to send as the upstream's Host.</summary>
internal enum UpstreamHostMode
{
    /// <summary>The caller's Host (<c>echo.&lt;tunnel_domain&gt;</c>): OAuth resource URLs and discovery documents need it.</summary>
    Original,

    /// <summary>The upstream's own <c>host:port</c> from the route URL, as a client calling it directly would send.</summary>
    Upstream,

    /// <summary>A fixed value, such as <c>localhost:9000</c>, for servers that accept only names on their own list.</summary>
    Literal,
}

/// <summary>
/// One route's upstream Host setting (docs/ARCHITECTURE.md "Transparency", like cloudflared's <c>httpHostHeader</c>).
/// A route without one keeps the default: the original Host for http upstreams, the upstream's own name for https
/// upstreams (their certificate is checked against it, see docs/ARCHITECTURE.md).
/// </summary>
internal sealed record UpstreamHostSetting(UpstreamHostMode Mode, string? Literal = null)
{
    public static readonly UpstreamHostSetting Original = new(UpstreamHostMode.Original);

    public static readonly UpstreamHostSetting Upstream = new(UpstreamHostMode.Upstream);

    /// <summary>The value as written in the config (<c>original</c>, <c>upstream</c>, or the literal host).</summary>
    public override string ToString() => Mode switch
    {
        UpstreamHostMode.Original => "original",
        UpstreamHostMode.Upstream => "upstream",
        _ => Literal ?? "",
    };
}
