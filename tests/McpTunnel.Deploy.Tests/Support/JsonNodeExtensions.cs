using System.Text.Json.Nodes;

namespace McpTunnel.Deploy.Tests.Support;

/// <summary>Short, failing-loudly accessors for manifests loaded by <see cref="Yaml"/>.</summary>
internal static class JsonNodeExtensions
{
    /// <summary>Follows a dotted path ("spec.template.spec"); null when any step is missing.</summary>
    public static JsonNode? At(this JsonNode? node, string path)
    {
        foreach (var step in path.Split('.'))
        {
            node = node is JsonObject obj && obj.TryGetPropertyValue(step, out var next) ? next : null;
        }

        return node;
    }

    public static JsonObject Obj(this JsonNode? node, string path) =>
        node.At(path) as JsonObject ?? throw new Xunit.Sdk.XunitException($"missing mapping '{path}'");

    public static JsonArray Arr(this JsonNode? node, string path) =>
        node.At(path) as JsonArray ?? throw new Xunit.Sdk.XunitException($"missing sequence '{path}'");

    /// <summary>The scalar at path as text (numbers and booleans included), or null.</summary>
    public static string? Str(this JsonNode? node, string path) => node.At(path) switch
    {
        null => null,
        JsonValue v => v.ToString(),
        var other => throw new Xunit.Sdk.XunitException($"'{path}' is not a scalar: {other.ToJsonString()}"),
    };

    /// <summary>The scalar under one key that may itself contain dots ("helm.sh/hook"), or null.</summary>
    public static string? Val(this JsonNode? node, string key) =>
        node is JsonObject obj && obj.TryGetPropertyValue(key, out var v) && v is JsonValue value ? value.ToString() : null;

    /// <summary>An object's annotation (keys such as "helm.sh/hook" contain dots).</summary>
    public static string? Annotation(this JsonNode? doc, string key) => doc.At("metadata.annotations").Val(key);

    public static IReadOnlyList<string> Strings(this JsonNode? node, string path) =>
        node.At(path) is JsonArray a ? a.Select(x => x is JsonValue v ? v.ToString() : x!.ToJsonString()).ToList() : [];

    /// <summary>The element of a sequence of mappings whose "name" is <paramref name="name"/>.</summary>
    public static JsonNode Named(this JsonArray items, string name) =>
        items.FirstOrDefault(i => i.Str("name") == name)
        ?? throw new Xunit.Sdk.XunitException($"no item named '{name}' in {items.ToJsonString()}");
}
