using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace McpTunnel.Deploy.Tests.Support;

/// <summary>
/// Loads YAML (one or many documents) into <see cref="JsonNode"/> trees, which are easy to navigate in
/// assertions. Plain scalars keep the YAML 1.2 core types (bool, integer, null); quoted ones stay strings.
/// </summary>
internal static class Yaml
{
    public static JsonNode? Parse(string text) => ParseAll(text).Single();

    public static IReadOnlyList<JsonNode?> ParseAll(string text) => Load(text, kubernetes: false);

    /// <summary>
    /// As Kubernetes (sigs.k8s.io/yaml over YAML 1.1) reads plain scalars: <c>0440</c> is octal 288,
    /// <c>0x1F</c> hex, <c>yes</c>/<c>no</c>/<c>on</c>/<c>off</c> booleans. For schema validation of rendered manifests.
    /// </summary>
    public static IReadOnlyList<JsonNode?> ParseAllAsKubernetes(string text) => Load(text, kubernetes: true);

    private static List<JsonNode?> Load(string text, bool kubernetes)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Select(d => Convert(d.RootNode, kubernetes)).ToList();
    }

    public static JsonNode? ParseFile(params string[] relative) => Parse(File.ReadAllText(RepoPaths.Of(relative)));

    private static JsonNode? Convert(YamlNode node, bool kubernetes) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(
            kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value!, Convert(kv.Value, kubernetes)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(c => Convert(c, kubernetes)).ToArray()),
        YamlScalarNode scalar => kubernetes ? Yaml11Scalar(scalar) ?? Scalar(scalar) : Scalar(scalar),
        _ => throw new InvalidOperationException("unexpected YAML node " + node.NodeType),
    };

    private static JsonValue? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? string.Empty;
        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(value);
        }

        return value switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when IsDecimalInteger(value) => JsonValue.Create(long.Parse(value, CultureInfo.InvariantCulture)),
            _ => JsonValue.Create(value),
        };
    }

    private static JsonValue? Yaml11Scalar(YamlScalarNode scalar)
    {
        if (scalar.Style != ScalarStyle.Plain || scalar.Value is not { Length: > 0 } value)
        {
            return null;
        }

        switch (value)
        {
            case "y" or "Y" or "yes" or "Yes" or "YES" or "on" or "On" or "ON":
                return JsonValue.Create(true);
            case "n" or "N" or "no" or "No" or "NO" or "off" or "Off" or "OFF":
                return JsonValue.Create(false);
        }

        var digits = value.TrimStart('+', '-');
        var sign = value.StartsWith('-') ? -1 : 1;
        if (digits.Length > 1 && digits[0] == '0' && digits.All(c => c is >= '0' and <= '7'))
        {
            return JsonValue.Create(sign * System.Convert.ToInt64(digits, 8));
        }

        if (digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && digits.Length > 2
            && long.TryParse(digits.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
        {
            return JsonValue.Create(sign * hex);
        }

        return null;
    }

    // "0440" is a string here (YAML 1.2 has no leading-zero octal); Kubernetes' YAML 1.1 reader differs.
    private static bool IsDecimalInteger(string value) =>
        long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
        && (value == "0" || !value.TrimStart('-').StartsWith('0'));
}
