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

    public static IReadOnlyList<JsonNode?> ParseAll(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Select(d => Convert(d.RootNode)).ToList();
    }

    public static JsonNode? ParseFile(params string[] relative) => Parse(File.ReadAllText(RepoPaths.Of(relative)));

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(
            kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value!, Convert(kv.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(Convert).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
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

    // "0440" is a string here (YAML 1.2 has no leading-zero octal); Kubernetes' YAML 1.1 reader differs.
    private static bool IsDecimalInteger(string value) =>
        long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
        && (value == "0" || !value.TrimStart('-').StartsWith('0'));
}
