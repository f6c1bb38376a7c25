namespace McpTunnel.Proxy.Routing;

/// <summary>How a host found its route (spec item 41): by the full hostname, or by the subdomain left after stripping the tunnel domain.</summary>
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
