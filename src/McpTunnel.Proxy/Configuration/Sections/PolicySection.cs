using System.Globalization;
using McpTunnel.Proxy.Configuration.Yaml;
using YamlDotNet.RepresentationModel;

namespace McpTunnel.Proxy.Configuration.Sections;

/// <summary>
/// <c>policy:</c> route key → what that route exposes and how often it may be called. Like
/// <c>upstream.host_header</c> it sits beside <c>routes</c> (which must stay a flat name → URL map), so its keys are
/// checked against the routes that were read. Absent, nothing changes: no route has a policy.
/// <code>
/// policy:
///   tickets:
///     default: deny                      # deny: only what an allow list names; allow: all but what a deny list names
///     tools:     { allow: [search_*, get_ticket], deny: [delete_*] }
///     prompts:   { deny: ["*"] }
///     resources: { allow: ["tickets://public/*"] }
///     limits:    { rate: 120/m, burst: 20, concurrency: 16 }
///     tool_limits:
///       run_report: { rate: 5/m, concurrency: 1 }
/// </code>
/// </summary>
internal static class PolicySection
{
    private const string Example = "policy:\n  echo:\n    tools:\n      deny: [delete_*]";

    private static readonly (string, PolicyDefault)[] Defaults = [("allow", PolicyDefault.Allow), ("deny", PolicyDefault.Deny)];

    public static List<RouteDefinition> Apply(ConfigMapping root, List<RouteDefinition> routes)
    {
        var diagnostics = root.Diagnostics;
        return RouteKeyedMap.Apply(root, "policy", "a mapping", $"map each route name to its policy, e.g. {Example}", routes, (route, field, value) =>
        {
            if (value is not YamlMappingNode routeMap)
            {
                diagnostics.Error(field, $"line {value.Start.Line}: cannot unmarshal {YamlTags.Of(value)} into a mapping", $"give the route's policy as keys (default, tools, prompts, resources, limits, tool_limits), e.g. {Example}");
                return null;
            }

            return route with { Policy = ReadRoute(new ConfigMapping(routeMap, field + ".", diagnostics)) };
        });
    }

    private static RoutePolicySettings ReadRoute(ConfigMapping policy)
    {
        var defaults = new RoutePolicySettings();
        var result = new RoutePolicySettings
        {
            Default = policy.String("default") is null ? null : policy.Choice("default", PolicyDefault.Allow, Defaults),
            Tools = ReadNames(policy, "tools", "search_*"),
            Prompts = ReadNames(policy, "prompts", "summarize_*"),
            Resources = ReadNames(policy, "resources", "file:///public/*"),
            MaxMessageBytes = ReadSize(policy, "max_message_size", defaults.MaxMessageBytes),
            MaxListResponseBytes = ReadSize(policy, "max_list_response_size", defaults.MaxListResponseBytes),
            Limits = policy.Mapping("limits") is { } limits ? ReadLimits(limits) : null,
            ToolLimits = ReadToolLimits(policy),
        };
        policy.WarnUnknownKeys();
        return result;
    }

    private static NameRuleSettings ReadNames(ConfigMapping policy, string key, string sample)
    {
        var names = policy.Mapping(key);
        if (names is null)
        {
            return NameRuleSettings.Empty;
        }

        var result = new NameRuleSettings(ReadPatterns(names, "allow", sample), ReadPatterns(names, "deny", sample))
        {
            Default = names.String("default") is null ? null : names.Choice("default", PolicyDefault.Allow, Defaults),
        };
        if (result.Default == PolicyDefault.Allow && result.Allow.Count > 0 && result.Deny.Count == 0)
        {
            names.Diagnostics.Warn($"{names.Field("allow")} has no effect with {names.Field("default")}: allow (everything is allowed); remove the default to expose only what the list names");
        }

        names.WarnUnknownKeys();
        return result;
    }

    private static List<NamePattern> ReadPatterns(ConfigMapping names, string key, string sample)
    {
        var result = new List<NamePattern>();
        if (names.Sequence(key, $"write a list, one glob per entry, e.g. {key}: [\"{sample}\"]") is not { } entries)
        {
            return result;
        }

        var field = names.Field(key);
        for (var i = 0; i < entries.Count; i++)
        {
            var item = entries[i];
            if (item is not YamlScalarNode { Value: { } text })
            {
                names.Diagnostics.Error($"{field}[{i}]", $"line {item.Start.Line}: cannot unmarshal {YamlTags.Of(item)} into string", $"write one glob such as \"{sample}\"");
                continue;
            }

            if (!NamePattern.TryParse(text, out var pattern, out var reason))
            {
                names.Diagnostics.Error($"{field}[{i}]", $"line {item.Start.Line}: \"{text}\" {reason}", $"write a glob such as \"{sample}\"; * matches any run of characters, ? one, \\ makes the next one literal");
                continue;
            }

            result.Add(pattern!);
        }

        return result;
    }

    private static Dictionary<string, CallLimitSettings> ReadToolLimits(ConfigMapping policy)
    {
        var result = new Dictionary<string, CallLimitSettings>(StringComparer.Ordinal);
        var node = policy.NodeWithValue("tool_limits");
        if (node is null)
        {
            return result;
        }

        var field = policy.Field("tool_limits");
        if (node is not YamlMappingNode map)
        {
            policy.Diagnostics.Error(field, $"line {node.Start.Line}: cannot unmarshal {YamlTags.Of(node)} into a mapping", "map each tool name to its limits, e.g. tool_limits:\n  run_report: { rate: 5/m, concurrency: 1 }");
            return result;
        }

        foreach (var (keyNode, valueNode) in map.Children)
        {
            var tool = (keyNode as YamlScalarNode)?.Value ?? "";
            if (valueNode is not YamlMappingNode limits)
            {
                policy.Diagnostics.Error($"{field}.{tool}", $"line {valueNode.Start.Line}: cannot unmarshal {YamlTags.Of(valueNode)} into a mapping", "give rate, burst and/or concurrency, e.g. { rate: 5/m, concurrency: 1 }");
                continue;
            }

            result[tool] = ReadLimits(new ConfigMapping(limits, $"{field}.{tool}.", policy.Diagnostics));
        }

        return result;
    }

    private static CallLimitSettings ReadLimits(ConfigMapping limits)
    {
        var rate = 0;
        var period = TimeSpan.FromSeconds(1);
        var rateText = limits.String("rate");
        if (!string.IsNullOrWhiteSpace(rateText) && !CallRate.TryParse(rateText, out rate, out period, out var reason))
        {
            limits.Diagnostics.Error(limits.Field("rate"), $"\"{rateText}\" {reason}", "write calls per period: 10/s, 120/m, 1000/h or 5/30s");
        }

        var burst = ReadPositive(limits, "burst", "the calls allowed at once after a quiet spell, e.g. burst: 5");
        var concurrency = ReadPositive(limits, "concurrency", "the calls allowed in flight at once, e.g. concurrency: 4");
        if (burst > 0 && rate == 0)
        {
            limits.Diagnostics.Error(limits.Field("burst"), "is set without a rate", $"add {limits.Field("rate")} (e.g. rate: 10/s) or remove burst");
        }

        if (rate == 0 && concurrency == 0 && string.IsNullOrWhiteSpace(rateText))
        {
            limits.Diagnostics.Error(limits.Field("").TrimEnd('.'), "limits nothing", "set rate (e.g. rate: 10/s) and/or concurrency (e.g. concurrency: 4)");
        }

        limits.WarnUnknownKeys();
        return new CallLimitSettings { Rate = rate, Period = period, Burst = burst > 0 ? burst : rate, Concurrency = concurrency };
    }

    private static int ReadPositive(ConfigMapping mapping, string key, string fix)
    {
        var text = mapping.String(key);
        if (string.IsNullOrWhiteSpace(text))
        {
            return 0;
        }

        if (!int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1)
        {
            mapping.Diagnostics.Error(mapping.Field(key), $"\"{text}\" is not a positive integer", fix);
            return 0;
        }

        return value;
    }

    private static long ReadSize(ConfigMapping mapping, string key, long fallback)
    {
        var text = mapping.String(key);
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        if (!ByteSize.TryParse(text, out var value) || value < 1024)
        {
            mapping.Diagnostics.Error(mapping.Field(key), $"\"{text}\" is not a size of at least 1KiB", $"write bytes or KiB/MiB, e.g. {key}: 4MiB");
            return fallback;
        }

        return value;
    }
}
