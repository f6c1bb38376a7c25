using McpTunnel.Proxy.Configuration.Yaml;
using YamlDotNet.RepresentationModel;

namespace McpTunnel.Cli.Check;

/// <summary>
/// The config keys a file sets beyond the documented proxy's thirteen (listen_addr, log_level, shutdown_timeout,
/// tunnel_domain, tls.cert_file/key_file, routes, upstream.allowed_ips/disable_ip_validation/tls.ca_file/
/// tls.include_system_cas): McpTunnel's extensions. Anthropic's image does not document them, so it refuses or
/// ignores them; quickstart and doctor name each one with what is lost. Read from the file as written (never
/// from a loaded config, whose defaults would hide what the operator set).
/// </summary>
internal static class ExtensionKeys
{
    private static readonly HashSet<string> Documented = new(StringComparer.Ordinal)
    {
        "listen_addr", "log_level", "shutdown_timeout", "tunnel_domain", "tls", "tls.cert_file", "tls.key_file", "routes",
        "upstream", "upstream.allowed_ips", "upstream.disable_ip_validation", "upstream.tls", "upstream.tls.ca_file",
        "upstream.tls.include_system_cas",
    };

    /// <summary>What each extension gives, by key or section; a key not listed is reported with its name only.</summary>
    private static readonly Dictionary<string, string> Meaning = new(StringComparer.Ordinal)
    {
        ["admin_addr"] = "health, readiness and metrics listener (/healthz, /readyz, /metrics, mcp-proxy -healthcheck, mcptunnel top and doctor --admin)",
        ["log_format"] = "JSON log lines",
        ["tls.reload_interval"] = "certificate polling interval",
        ["upstream.host_header"] = "the Host each upstream receives (servers that refuse the tunnel's Host answer 403 Invalid Host without it)",
        ["upstream.connect_timeout"] = "upstream connect timeout",
        ["upstream.credentials"] = "a credential header (read from a file) set on every request to a route's upstream",
        ["upstream.response_header_timeout"] = "upstream response-header timeout",
        ["limits"] = "tunnel limits and keep-alive timeouts",
        ["policy"] = "per-route MCP policy: allowed tools, prompts and resources, rate limits",
        ["audit"] = "tamper-evident audit records of MCP requests (file, stdout, OTLP)",
    };

    /// <summary>The extension keys in <paramref name="yaml"/>, dotted (<c>upstream.host_header</c>), in file order; empty when unreadable.</summary>
    public static IReadOnlyList<ExtensionKey> Find(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            if (YamlAliasCheck.Find(yaml) is not null)
            {
                return [];
            }

            stream.Load(new StringReader(yaml));
        }
        catch (Exception ex) when (ex is YamlDotNet.Core.YamlException or InvalidOperationException or ArgumentException)
        {
            return []; // the loader reports a file it cannot read; this list is only advice on top of it
        }

        var found = new List<ExtensionKey>();
        if (stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode root)
        {
            Walk(root, "", found);
        }

        return found;
    }

    /// <summary>One line per key, for a warning: <c>admin_addr (health, readiness and metrics listener …)</c>.</summary>
    public static string Describe(IReadOnlyList<ExtensionKey> keys) =>
        string.Join("; ", keys.Select(k => k.Meaning is null ? k.Key : $"{k.Key} ({k.Meaning})"));

    private static void Walk(YamlMappingNode mapping, string prefix, List<ExtensionKey> found)
    {
        foreach (var (keyNode, value) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } name })
            {
                continue;
            }

            var key = prefix + name;
            if (!Documented.Contains(key))
            {
                found.Add(new ExtensionKey(key, Meaning.GetValueOrDefault(key)));
            }
            else if (key != "routes" && value is YamlMappingNode section)
            {
                Walk(section, key + ".", found);
            }
        }
    }
}

/// <summary>A config key McpTunnel's proxy reads and the documented proxy does not, with what it gives when known.</summary>
internal sealed record ExtensionKey(string Key, string? Meaning);
