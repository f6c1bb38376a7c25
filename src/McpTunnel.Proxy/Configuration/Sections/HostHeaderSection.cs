using McpTunnel.Proxy.Configuration.Yaml;
using YamlDotNet.RepresentationModel;

namespace McpTunnel.Proxy.Configuration.Sections;

/// <summary>
/// <c>upstream.host_header</c>: route key → <c>original</c> | <c>upstream</c> | a literal host[:port], the Host the
/// upstream receives. It lives beside the routes rather than in them because <c>routes</c> must stay a flat
/// name → URL map; so its keys are checked against the routes that were read.
/// </summary>
internal static class HostHeaderSection
{
    private const string Example = "upstream:\n  host_header:\n    echo: upstream";

    public static List<RouteDefinition> Apply(ConfigMapping? upstream, List<RouteDefinition> routes)
    {
        var node = upstream?.NodeWithValue("host_header");
        if (upstream is null || node is null)
        {
            return routes;
        }

        var diagnostics = upstream.Diagnostics;
        if (node is not YamlMappingNode map)
        {
            diagnostics.Error("upstream.host_header", $"line {node.Start.Line}: cannot unmarshal {YamlTags.Of(node)} into map[string]string", $"map each route name to original, upstream or a host, e.g. {Example}");
            return routes;
        }

        var byKey = routes.ToDictionary(r => r.Key, StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in map.Children)
        {
            var rawKey = (keyNode as YamlScalarNode)?.Value ?? "";
            var field = $"upstream.host_header.{rawKey}";
            if (valueNode is not YamlScalarNode { Value: { } rawValue })
            {
                diagnostics.Error(field, $"line {valueNode.Start.Line}: cannot unmarshal {YamlTags.Of(valueNode)} into string", "give one value: original, upstream, or a host such as localhost:9000");
                continue;
            }

            var key = RouteKey.Normalize(rawKey);
            if (!byKey.TryGetValue(key, out var route))
            {
                var known = string.Join(", ", routes.Select(r => r.Key));
                diagnostics.Error(field, $"\"{rawKey}\" is not a routes key", $"use a key from routes: ({known})");
                continue;
            }

            if (!UpstreamHostParser.TryParse(rawValue, out var setting, out var reason))
            {
                diagnostics.Error(field, $"\"{rawValue}\" is not original, upstream or a host[:port]: {reason}", $"write original (the caller's Host, the default), upstream (sends {route.Upstream.Host}:{route.Upstream.Port}), or a host such as localhost:{route.Upstream.Port}");
                continue;
            }

            byKey[key] = route with { HostHeader = setting };
        }

        return [.. routes.Select(r => byKey[r.Key])];
    }
}
