using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Configuration.Yaml;
using YamlDotNet.RepresentationModel;

namespace McpTunnel.Cli.Check;

/// <summary>
/// Loads a proxy config with the proxy's own loader (so every error and warning is the one the proxy would
/// print), after rewriting container paths of the file settings through <see cref="PathMount"/>s.
/// </summary>
internal static class ConfigSource
{
    private static readonly string[][] FileSettings = [["tls", "cert_file"], ["tls", "key_file"], ["upstream", "tls", "ca_file"]];

    /// <param name="pathHint">How this command is given the path, for the fix when the file cannot be read (the proxy's
    /// own hint names its <c>-config</c> flag, which no mcptunnel command has).</param>
    public static ConfigLoadOutcome Load(string path, string? tunnelDomainOverride, IReadOnlyList<PathMount> mounts, string pathHint)
    {
        var applied = new List<string>();
        try
        {
            if (mounts.Count == 0)
            {
                return new ConfigLoadOutcome(ProxyConfigLoader.Load(path, tunnelDomainOverride, pathHint), [], applied);
            }

            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return new ConfigLoadOutcome(ProxyConfigLoader.Load(path, tunnelDomainOverride, pathHint), [], applied);
            }

            var rewritten = Rewrite(text, mounts, applied);
            return new ConfigLoadOutcome(ProxyConfigLoader.Parse(rewritten ?? text, path, tunnelDomainOverride), [], applied);
        }
        catch (ProxyConfigException ex)
        {
            return new ConfigLoadOutcome(null, ex.Errors, applied);
        }
    }

    private static string? Rewrite(string text, IReadOnlyList<PathMount> mounts, List<string> applied)
    {
        var stream = new YamlStream();
        try
        {
            // An alias YamlDotNet cannot load safely overflows the stack on load; the loader refuses it with its line.
            if (YamlAliasCheck.Find(text) is not null)
            {
                return null;
            }

            stream.Load(new StringReader(text));
        }
        catch (Exception ex) when (ex is YamlDotNet.Core.YamlException or InvalidOperationException or ArgumentException)
        {
            return null; // the loader reports the syntax error with its line
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return null;
        }

        foreach (var settingPath in FileSettings.Concat(CredentialFiles(root)))
        {
            if (Find(root, settingPath) is { Value: { } value } scalar)
            {
                foreach (var mount in mounts)
                {
                    if (mount.Map(value) is { } mapped)
                    {
                        scalar.Value = mapped;
                        applied.Add($"{string.Join('.', settingPath)}: {value} -> {mapped}");
                        break;
                    }
                }
            }
        }

        if (applied.Count == 0)
        {
            return null;
        }

        using var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    /// <summary><c>upstream.credentials.&lt;route&gt;.value_file</c> for each route the file gives a credential.</summary>
    private static IEnumerable<string[]> CredentialFiles(YamlMappingNode root) =>
        root.Children.TryGetValue(new YamlScalarNode("upstream"), out var upstream) && upstream is YamlMappingNode upstreamMap
            && upstreamMap.Children.TryGetValue(new YamlScalarNode("credentials"), out var credentials) && credentials is YamlMappingNode byRoute
            ? [.. byRoute.Children.Keys.OfType<YamlScalarNode>().Where(k => k.Value is not null).Select(k => new[] { "upstream", "credentials", k.Value!, "value_file" })]
            : [];

    private static YamlScalarNode? Find(YamlMappingNode root, string[] path)
    {
        YamlNode current = root;
        foreach (var key in path)
        {
            if (current is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out var next))
            {
                return null;
            }

            current = next;
        }

        return current as YamlScalarNode;
    }
}

/// <summary>Either a loaded config (with the loader's warnings) or every error; plus the path rewrites made.</summary>
internal sealed record ConfigLoadOutcome(ProxyConfigLoadResult? Result, IReadOnlyList<ConfigError> Errors, IReadOnlyList<string> MappedPaths)
{
    public bool Loaded => Result is not null;
}
