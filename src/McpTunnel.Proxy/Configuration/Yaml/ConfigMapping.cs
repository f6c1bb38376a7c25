using McpTunnel.Common;
using YamlDotNet.RepresentationModel;

namespace McpTunnel.Proxy.Configuration.Yaml;

/// <summary>
/// One YAML mapping of the config (the top level, <c>tls:</c>, <c>upstream:</c>…) read key by key. Every read
/// records its key, so <see cref="WarnUnknownKeys"/> can name the keys nobody read without a second list of
/// names to keep in step; a type or value error is reported with the field's full name (<c>upstream.tls.ca_file</c>)
/// and its fix, and the caller gets the fallback so the rest of the file is still checked.
/// </summary>
internal sealed class ConfigMapping(YamlMappingNode node, string prefix, ConfigDiagnostics diagnostics)
{
    private readonly List<string> _read = [];

    public ConfigDiagnostics Diagnostics { get; } = diagnostics;

    /// <summary>The full field name of <paramref name="key"/> in messages, such as <c>limits.idle_timeout</c>.</summary>
    public string Field(string key) => prefix + key;

    /// <summary>The node under <paramref name="key"/>, or null when the key is absent.</summary>
    public YamlNode? Node(string key)
    {
        if (!_read.Contains(key))
        {
            _read.Add(key);
        }

        return node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;
    }

    /// <summary>The node under <paramref name="key"/>, or null when it is absent or written with no value (<c>key:</c>).</summary>
    public YamlNode? NodeWithValue(string key) => Node(key) is { } value && value is not YamlScalarNode { Value: null or "" } ? value : null;

    /// <summary>A nested mapping; null when absent or empty, and an error when it is something else.</summary>
    public ConfigMapping? Mapping(string key)
    {
        switch (NodeWithValue(key))
        {
            case null:
                return null;
            case YamlMappingNode map:
                return new ConfigMapping(map, Field(key) + ".", Diagnostics);
            case var other:
                Diagnostics.Error(Field(key), $"line {other.Start.Line}: cannot unmarshal {YamlTags.Of(other)} into a mapping", $"{Field(key)} holds nested keys, e.g. {key}:\\n  field: value");
                return null;
        }
    }

    /// <summary>A list's entries; null when absent or empty, and an error naming <paramref name="fix"/> when it is not a list.</summary>
    public IList<YamlNode>? Sequence(string key, string fix)
    {
        switch (NodeWithValue(key))
        {
            case null:
                return null;
            case YamlSequenceNode list:
                return list.Children;
            case var other:
                Diagnostics.Error(Field(key), $"line {other.Start.Line}: cannot unmarshal {YamlTags.Of(other)} into []string", fix);
                return null;
        }
    }

    /// <summary>A scalar's text; null when absent (or written with no value), and an error when it is a list or mapping.</summary>
    public string? String(string key)
    {
        switch (Node(key))
        {
            case null:
                return null;
            case YamlScalarNode scalar:
                return scalar.Value;
            case var other:
                Diagnostics.Error(Field(key), $"line {other.Start.Line}: cannot unmarshal {YamlTags.Of(other)} into string", $"{Field(key)} takes a single value");
                return null;
        }
    }

    public bool Bool(string key, bool fallback)
    {
        var text = String(key);
        switch (text?.Trim().ToLowerInvariant())
        {
            case null or "":
                return fallback;
            case "true" or "yes" or "on":
                return true;
            case "false" or "no" or "off":
                return false;
            default:
                Diagnostics.Error(Field(key), $"\"{text}\" is not a boolean", "use true or false");
                return fallback;
        }
    }

    /// <summary>A Go duration (<c>30s</c>, <c>1m30s</c>), as the documented config writes them; never negative.</summary>
    public TimeSpan Duration(string key, TimeSpan fallback)
    {
        var text = String(key);
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        if (!GoDuration.TryParse(text.Trim(), out var value, out var error))
        {
            Diagnostics.Error(Field(key), error!, "use a Go duration such as 30s, 1m30s or 2h");
            return fallback;
        }

        if (value < TimeSpan.Zero)
        {
            Diagnostics.Error(Field(key), $"\"{text}\" is negative", "use a positive duration such as 30s");
            return fallback;
        }

        return value;
    }

    /// <summary>One of a fixed set of names, case-insensitive; <paramref name="aliases"/> are accepted but not suggested.</summary>
    public T Choice<T>(string key, T fallback, IReadOnlyList<(string Name, T Value)> choices, IReadOnlyList<(string Name, T Value)>? aliases = null)
    {
        var text = String(key);
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        foreach (var (name, value) in aliases is null ? choices : [.. choices, .. aliases])
        {
            if (string.Equals(name, text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        var allowed = string.Join(", ", choices.Select(c => c.Name));
        Diagnostics.Error(Field(key), $"\"{text}\" is not one of {allowed}", $"set {Field(key)} to one of {allowed}");
        return fallback;
    }

    /// <summary>
    /// Warns about each key of this mapping that no reader asked for. Go's decoder ignores unknown keys, so the proxy
    /// keeps loading, but it says so, because an unknown key is usually a typo of a known one.
    /// </summary>
    public void WarnUnknownKeys()
    {
        foreach (var keyNode in node.Children.Keys)
        {
            var name = (keyNode as YamlScalarNode)?.Value ?? "";
            if (!_read.Contains(name, StringComparer.Ordinal))
            {
                Diagnostics.Warn($"unknown config key \"{prefix}{name}\" (line {keyNode.Start.Line}) is ignored; known keys here: {string.Join(", ", _read)}");
            }
        }
    }
}
