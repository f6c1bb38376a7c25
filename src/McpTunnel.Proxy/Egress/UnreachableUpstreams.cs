using System.Net;
using McpTunnel.Proxy.Configuration;

namespace McpTunnel.Proxy.Egress;

/// <summary>
/// Routes whose upstream is an address IP validation will refuse on every request: an IP literal (or
/// <c>localhost</c>, which can only resolve to loopback) outside the allowed ranges. Not a load error, because the other
/// routes still work, but a warning the proxy logs at start, <c>mcptunnel check</c> prints and <c>quickstart</c>
/// shows before writing anything: one rule, found here once.
/// </summary>
internal static class UnreachableUpstreams
{
    public static IEnumerable<string> Warnings(IEnumerable<RouteDefinition> routes, EgressPolicy egress)
    {
        foreach (var route in routes)
        {
            var literal = route.Upstream.Host == "localhost" ? IPAddress.Loopback
                : IPAddress.TryParse(route.Upstream.Host, out var address) ? address
                : null;
            if (literal is not null && egress.Evaluate(literal) is { Allowed: false } verdict)
            {
                yield return $"routes.{route.Key}: upstream address {verdict.Address} is refused by IP validation ({verdict.Reason}); every request to this route will fail. Fix: add the narrowest CIDR to upstream.allowed_ips";
            }
        }
    }
}
