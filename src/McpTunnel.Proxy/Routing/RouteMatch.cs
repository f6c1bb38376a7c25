namespace McpTunnel.Proxy.Routing;

/// <summary>How a host found its route: by the full hostname (tried first), or by the subdomain left after stripping the tunnel domain.</summary>
internal enum RouteMatchKind
{
    None,
    Exact,
    Subdomain,
}

internal readonly record struct RouteMatch(Route? Route, RouteMatchKind Kind)
{
    public static readonly RouteMatch NoMatch = new(null, RouteMatchKind.None);
}
