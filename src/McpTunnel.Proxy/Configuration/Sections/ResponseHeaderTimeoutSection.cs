using McpTunnel.Common;
using McpTunnel.Proxy.Configuration.Yaml;
using YamlDotNet.RepresentationModel;

namespace McpTunnel.Proxy.Configuration.Sections;

/// <summary>
/// <c>upstream.response_header_timeout</c> (the whole proxy) and <c>upstream.response_header_timeout_by_route</c>
/// (route key → duration, winning over it for that route). Both are optional and off when absent; <c>0s</c> turns
/// the limit off, as a zero does for Go's http.Transport. The per-route map lives beside <c>host_header</c> for the
/// same reason: <c>routes</c> must stay a flat name → URL map, so its keys are checked against the routes read.
/// </summary>
internal static class ResponseHeaderTimeoutSection
{
    public const string Scalar = "upstream.response_header_timeout";
    public const string ByRoute = "upstream.response_header_timeout_by_route";
    private const string Example = "upstream:\n  response_header_timeout_by_route:\n    echo: 10m";

    /// <summary>The scalar: <see cref="Timeout.InfiniteTimeSpan"/> when absent or zero.</summary>
    public static TimeSpan ReadScalar(ConfigMapping upstream) =>
        NoLimitWhenZero(upstream.Duration("response_header_timeout", TimeSpan.Zero));

    /// <summary>Sets <see cref="RouteDefinition.ResponseHeaderTimeout"/> on each route the per-route map names.</summary>
    public static List<RouteDefinition> ApplyByRoute(ConfigMapping? upstream, List<RouteDefinition> routes)
    {
        if (upstream is null)
        {
            return routes;
        }

        var diagnostics = upstream.Diagnostics;
        return RouteKeyedMap.Apply(upstream, "response_header_timeout_by_route", "map[string]duration", $"map each route name to a Go duration (0s for no limit), e.g. {Example}", routes, (route, field, valueNode) =>
        {
            if (valueNode is not YamlScalarNode { Value: { Length: > 0 } rawValue })
            {
                diagnostics.Error(field, $"line {valueNode.Start.Line}: expected a duration, got {(valueNode is YamlScalarNode ? "no value" : YamlTags.Of(valueNode))}", "give one Go duration such as 10m or 330s, or 0s for no limit");
                return null;
            }

            if (!GoDuration.TryParse(rawValue.Trim(), out var value, out var error))
            {
                diagnostics.Error(field, error!, "use a Go duration such as 10m or 330s, or 0s for no limit");
                return null;
            }

            if (value < TimeSpan.Zero)
            {
                diagnostics.Error(field, $"\"{rawValue}\" is negative", "use a positive duration such as 10m, or 0s for no limit");
                return null;
            }

            return route with { ResponseHeaderTimeout = NoLimitWhenZero(value) };
        });
    }

    private static TimeSpan NoLimitWhenZero(TimeSpan value) => value == TimeSpan.Zero ? Timeout.InfiniteTimeSpan : value;
}
