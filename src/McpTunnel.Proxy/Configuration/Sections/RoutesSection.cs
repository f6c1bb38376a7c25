using McpTunnel.Proxy.Configuration.Yaml;
using YamlDotNet.RepresentationModel;

namespace McpTunnel.Proxy.Configuration.Sections;

/// <summary>
/// <c>routes:</c> a flat map of hostname (or bare subdomain of <c>tunnel_domain</c>) to <c>scheme://host:port</c>.
/// It must stay a flat name → URL map, because that is the documented format other tools write; per-route options
/// therefore live beside it (<see cref="HostHeaderSection"/>).
/// </summary>
internal static class RoutesSection
{
    private const string Example = "routes: { echo: http://hello-mcp:9000 }";

    public static List<RouteDefinition>? Read(ConfigMapping root)
    {
        var diagnostics = root.Diagnostics;
        var node = root.NodeWithValue("routes");
        if (node is null)
        {
            diagnostics.Error("routes", "is required", $"add at least one route, e.g. {Example}");
            return null;
        }

        if (node is not YamlMappingNode map)
        {
            // The exact text of Go's YAML decoder, which the troubleshooting table quotes for a list written here.
            diagnostics.Error("routes", $"line {node.Start.Line}: cannot unmarshal {YamlTags.Of(node)} into map[string]string", $"routes must be a map, e.g. {Example}, not a list");
            return null;
        }

        var routes = new List<RouteDefinition>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in map.Children)
        {
            var rawKey = (keyNode as YamlScalarNode)?.Value ?? "";
            var field = $"routes.{rawKey}";
            if (valueNode is not YamlScalarNode { Value: { } rawValue })
            {
                diagnostics.Error(field, $"line {valueNode.Start.Line}: cannot unmarshal {YamlTags.Of(valueNode)} into string", "each route maps a name to one upstream URL string");
                continue;
            }

            var key = RouteKey.Normalize(rawKey);
            if (key.Length == 0 || key.Contains(':') || key.Contains('/') || key.Any(char.IsWhiteSpace))
            {
                diagnostics.Error(field, $"\"{rawKey}\" is not a hostname or subdomain", "use a subdomain such as echo, or a full hostname such as echo.example.com");
                continue;
            }

            if (!seen.Add(key))
            {
                diagnostics.Error(field, $"duplicate route \"{key}\" (keys are case-insensitive)", "keep one entry per hostname");
                continue;
            }

            if (!UpstreamAddressParser.TryParse(rawValue, out var upstream, out var reason))
            {
                diagnostics.Error(field, $"\"{rawValue}\": invalid upstream (must be scheme://host:port): {reason}", "write the upstream as http://host:port or https://host:port, with no path");
                continue;
            }

            routes.Add(new RouteDefinition(key, upstream));
        }

        if (map.Children.Count == 0)
        {
            diagnostics.Error("routes", "is empty", $"add at least one route, e.g. {Example}");
        }

        return routes;
    }
}
