using McpTunnel.Proxy.Configuration.Yaml;
using YamlDotNet.RepresentationModel;

namespace McpTunnel.Proxy.Configuration.Sections;

/// <summary>
/// A mapping keyed by routes key that sits beside <c>routes</c> (which must stay a flat name → URL map):
/// <c>upstream.response_header_timeout_by_route</c> and <c>policy</c> (<c>upstream.host_header</c> keeps its own loop: it
/// checks the value's shape before the key, and so reports that error first). Each key is
/// normalised like a routes key and must name one; the section reads the value and returns the route changed, or null
/// after reporting an error. Routes keep their order.
/// </summary>
internal static class RouteKeyedMap
{
    /// <summary>Applies the map under <paramref name="key"/> of <paramref name="parent"/>; the routes unchanged when there is none.</summary>
    public static List<RouteDefinition> Apply(
        ConfigMapping parent,
        string key,
        string goType,
        string shapeFix,
        List<RouteDefinition> routes,
        Func<RouteDefinition, string, YamlNode, RouteDefinition?> apply) =>
        parent.NodeWithValue(key) is { } node ? Apply(parent.Diagnostics, parent.Field(key), node, goType, shapeFix, routes, apply) : routes;

    /// <param name="field">The map's full field name, such as <c>upstream.host_header</c>.</param>
    /// <param name="goType">How Go's decoder names the expected type in a type error (<c>map[string]string</c>).</param>
    /// <param name="shapeFix">The fix when the node is not a mapping.</param>
    /// <param name="apply">Reads one entry's value: the route with it applied, or null when it reported an error.</param>
    public static List<RouteDefinition> Apply(
        ConfigDiagnostics diagnostics,
        string field,
        YamlNode node,
        string goType,
        string shapeFix,
        List<RouteDefinition> routes,
        Func<RouteDefinition, string, YamlNode, RouteDefinition?> apply)
    {
        if (node is not YamlMappingNode map)
        {
            diagnostics.Error(field, $"line {node.Start.Line}: cannot unmarshal {YamlTags.Of(node)} into {goType}", shapeFix);
            return routes;
        }

        var byKey = routes.ToDictionary(r => r.Key, StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in map.Children)
        {
            var rawKey = (keyNode as YamlScalarNode)?.Value ?? "";
            var entryField = $"{field}.{rawKey}";
            var key = RouteKey.Normalize(rawKey);
            if (!byKey.TryGetValue(key, out var route))
            {
                var known = string.Join(", ", routes.Select(r => r.Key));
                diagnostics.Error(entryField, $"\"{rawKey}\" is not a routes key", $"use a key from routes: ({known})");
                continue;
            }

            if (apply(route, entryField, valueNode) is { } changed)
            {
                byKey[key] = changed;
            }
        }

        return [.. routes.Select(r => byKey[r.Key])];
    }
}
