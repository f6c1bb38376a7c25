using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Credentials;
using McpTunnel.Proxy.Policy;

namespace McpTunnel.Proxy.Routing;

/// <summary>
/// A configured route at run time and everything a request on it needs, in one place: its key, its upstream, its
/// compiled policy, its upstream credential and the <see cref="ForwardTarget"/> the forwarder sends to. Built once per configuration snapshot
/// (docs/ARCHITECTURE.md "Configuration reload"), so per-route state has one table, never a copy keyed by route.
/// </summary>
internal sealed class Route
{
    public Route(RouteDefinition definition, TimeSpan defaultResponseHeaderTimeout)
    {
        Key = definition.Key;
        Upstream = definition.Upstream;
        Definition = definition;
        UpstreamHostHeader = UpstreamHostPolicy.HostHeaderFor(definition);
        Policy = definition.Policy is { } policy ? new RoutePolicy(definition.Key, policy) : null;
        UpstreamPrefix = definition.Upstream.BaseUri.GetLeftPart(UriPartial.Authority);
        Credential = definition.Credential is { } credential ? new UpstreamCredential(definition.Key, credential) : null;
        Target = new ForwardTarget(
            UpstreamPrefix,
            UpstreamHostHeader,
            addForwardedHeaders: true,
            definition.ResponseHeaderTimeout ?? defaultResponseHeaderTimeout, // upstream.response_header_timeout[_by_route]
            System.Net.HttpVersion.Version11,
            HttpVersionPolicy.RequestVersionOrLower,
            Credential);
    }

    public string Key { get; }

    public UpstreamAddress Upstream { get; }

    public RouteDefinition Definition { get; }

    /// <summary>The Host the upstream receives; null keeps the caller's (see <see cref="UpstreamHostPolicy"/>).</summary>
    public string? UpstreamHostHeader { get; }

    /// <summary>The route's MCP policy, compiled once; null when it has none (forwarded untouched).</summary>
    public RoutePolicy? Policy { get; }

    /// <summary>The header set on every request to this route's upstream (<c>upstream.credentials</c>); null when none.</summary>
    public UpstreamCredential? Credential { get; }

    /// <summary><c>scheme://host:port</c> without a trailing slash; the request's path and query are appended unchanged.</summary>
    public string UpstreamPrefix { get; }

    /// <summary>Where and how the forwarder sends this route's requests (Host, response-header deadline, version).</summary>
    public ForwardTarget Target { get; }
}
