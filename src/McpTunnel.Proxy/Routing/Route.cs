using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Policy;

namespace McpTunnel.Proxy.Routing;

/// <summary>A configured route at run time: its key, its upstream, and the strings the hot path reuses.</summary>
internal sealed class Route(RouteDefinition definition)
{
    public string Key { get; } = definition.Key;

    public UpstreamAddress Upstream { get; } = definition.Upstream;

    public RouteDefinition Definition { get; } = definition;

    /// <summary>The Host the upstream receives; null keeps the caller's (see <see cref="UpstreamHostPolicy"/>).</summary>
    public string? UpstreamHostHeader { get; } = UpstreamHostPolicy.HostHeaderFor(definition);

    /// <summary>The route's MCP policy, compiled once; null when it has none (forwarded untouched).</summary>
    public RoutePolicy? Policy { get; } = definition.Policy is { } policy ? new RoutePolicy(definition.Key, policy) : null;

    /// <summary><c>scheme://host:port</c> without a trailing slash; the request's path and query are appended unchanged.</summary>
    public string UpstreamPrefix { get; } = definition.Upstream.BaseUri.GetLeftPart(UriPartial.Authority);
}
