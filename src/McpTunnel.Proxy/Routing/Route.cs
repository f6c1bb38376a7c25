using McpTunnel.Proxy.Configuration;

namespace McpTunnel.Proxy.Routing;

/// <summary>A configured route at run time: its key, its upstream, and the strings the hot path reuses.</summary>
internal sealed class Route(RouteDefinition definition)
{
    public string Key { get; } = definition.Key;

    public UpstreamAddress Upstream { get; } = definition.Upstream;

    /// <summary><c>scheme://host:port</c> without a trailing slash; the request's path and query are appended unchanged.</summary>
    public string UpstreamPrefix { get; } = definition.Upstream.BaseUri.GetLeftPart(UriPartial.Authority);
}
