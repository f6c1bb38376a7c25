using McpTunnel.Proxy.Configuration;

namespace McpTunnel.Proxy.Routing;

/// <summary>
/// Host → route lookup on the hostname alone, in the documented order, built once: exact key first, then the key left after stripping
/// <c>.&lt;tunnel_domain&gt;</c>. Case-insensitive; any port and a trailing dot are ignored; the path plays no part.
/// Lookups work on spans against an alternate-key view of the dictionary, so routing allocates nothing per request.
/// </summary>
internal sealed class RouteTable
{
    private readonly Dictionary<string, Route> _routes;
    private readonly Dictionary<string, Route>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    /// <param name="defaultResponseHeaderTimeout"><c>upstream.response_header_timeout</c>, for routes without their own; none by default.</param>
    public RouteTable(IEnumerable<RouteDefinition> routes, string tunnelDomain, TimeSpan? defaultResponseHeaderTimeout = null)
    {
        _routes = new Dictionary<string, Route>(StringComparer.OrdinalIgnoreCase);
        foreach (var definition in routes)
        {
            _routes[definition.Key] = new Route(definition, defaultResponseHeaderTimeout ?? Timeout.InfiniteTimeSpan);
        }

        _lookup = _routes.GetAlternateLookup<ReadOnlySpan<char>>();
        TunnelDomain = tunnelDomain;
        Routes = [.. _routes.Values];
    }

    public string TunnelDomain { get; }

    public IReadOnlyList<Route> Routes { get; }

    /// <summary>The public name of a route: the key itself when it is a full hostname, else <c>key.tunnel_domain</c>.</summary>
    public string PublicHostName(Route route) =>
        route.Key.Contains('.') || TunnelDomain.Length == 0 ? route.Key : $"{route.Key}.{TunnelDomain}";

    public RouteMatch Match(ReadOnlySpan<char> host)
    {
        host = StripPortAndDot(host);
        if (host.IsEmpty)
        {
            return RouteMatch.NoMatch;
        }

        if (_lookup.TryGetValue(host, out var exact))
        {
            return new RouteMatch(exact, RouteMatchKind.Exact);
        }

        var domain = TunnelDomain.AsSpan();
        if (domain.Length > 0
            && host.Length > domain.Length + 1
            && host[^(domain.Length + 1)] == '.'
            && host[^domain.Length..].Equals(domain, StringComparison.OrdinalIgnoreCase)
            && _lookup.TryGetValue(host[..^(domain.Length + 1)], out var subdomain))
        {
            return new RouteMatch(subdomain, RouteMatchKind.Subdomain);
        }

        return RouteMatch.NoMatch;
    }

    private static ReadOnlySpan<char> StripPortAndDot(ReadOnlySpan<char> host)
    {
        if (host.StartsWith("["))
        {
            var close = host.IndexOf(']');
            host = close > 0 ? host[1..close] : host;
        }
        else
        {
            var colon = host.LastIndexOf(':');
            if (colon >= 0)
            {
                host = host[..colon];
            }
        }

        return host.TrimEnd('.');
    }
}
