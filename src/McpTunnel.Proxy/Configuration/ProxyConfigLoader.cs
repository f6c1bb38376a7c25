using System.Globalization;
using System.Net;
using System.Net.Sockets;
using McpTunnel.Common;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace McpTunnel.Proxy.Configuration;

/// <summary>
/// Reads the YAML config (spec items 21-30) into an immutable <see cref="ProxyConfig"/>.
/// Walks the YAML node tree by hand rather than deserialising into classes, so that every error is
/// collected (not just the first), each names its field and line, and the texts operators search for
/// are reproduced exactly (spec items 24, 25, 62, 187).
/// </summary>
internal sealed class ProxyConfigLoader
{
    private readonly List<ConfigError> _errors = [];
    private readonly List<string> _warnings = [];

    private ProxyConfigLoader()
    {
    }

    /// <summary>Loads <paramref name="path"/>; throws <see cref="ProxyConfigException"/> listing every problem.</summary>
    /// <param name="tunnelDomainOverride">The <c>-tunnel-domain</c> flag; non-empty wins over the file (spec item 16, OQ11).</param>
    public static ProxyConfigLoadResult Load(string path, string? tunnelDomainOverride = null)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ProxyConfigException(path, [new ConfigError("config", GoFileErrors.Describe("open", path, ex), "pass the config path with -config PATH and make it readable by the proxy's user")]);
        }

        return Parse(text, path, tunnelDomainOverride);
    }

    /// <summary>Parses YAML text; <paramref name="path"/> is used in messages and to resolve nothing else.</summary>
    public static ProxyConfigLoadResult Parse(string yaml, string path = "config.yaml", string? tunnelDomainOverride = null)
    {
        var loader = new ProxyConfigLoader();
        var config = loader.Build(yaml, tunnelDomainOverride);
        if (loader._errors.Count > 0 || config is null)
        {
            throw new ProxyConfigException(path, loader._errors);
        }

        return new ProxyConfigLoadResult(config, loader._warnings);
    }

    private ProxyConfig? Build(string yaml, string? tunnelDomainOverride)
    {
        var root = ReadRoot(yaml);
        if (root is null)
        {
            return null;
        }

        var listen = ReadListenAddress(root);
        var admin = AdminAddressParser.Parse(ReadString(root, AdminAddressParser.Key), listen, _errors);
        var logLevel = ReadEnum(root, "log_level", LogLevelSetting.Info, ("debug", LogLevelSetting.Debug), ("info", LogLevelSetting.Info), ("warn", LogLevelSetting.Warn), ("warning", LogLevelSetting.Warn), ("error", LogLevelSetting.Error));
        var logFormat = ReadEnum(root, "log_format", LogFormat.Text, ("text", LogFormat.Text), ("json", LogFormat.Json));
        var shutdown = ReadDuration(root, "shutdown_timeout", TimeSpan.FromSeconds(30));

        var tunnelDomain = NormalizeDomain(ReadString(root, "tunnel_domain") ?? "");
        if (!string.IsNullOrWhiteSpace(tunnelDomainOverride))
        {
            tunnelDomain = NormalizeDomain(tunnelDomainOverride);
        }

        var tls = ReadTls(root);
        var routes = ReadRoutes(root, tunnelDomain);
        var upstream = ReadUpstream(root);
        if (routes is not null)
        {
            routes = ApplyHostHeaders(root, routes);
        }

        var limits = ReadLimits(root);
        WarnUnknownKeys(root, "", "listen_addr", "log_level", "log_format", "shutdown_timeout", "tunnel_domain", "tls", "routes", "upstream", "limits", AdminAddressParser.Key);

        if (upstream is not null && routes is not null && routes.Any(r => r.Upstream.IsHttps) && upstream.TlsCaFile is null && !upstream.TlsIncludeSystemCas)
        {
            // Spec item 28 (proposal): not a load error, but every https request will fail verification.
            _warnings.Add("routes: an https:// upstream is configured but neither upstream.tls.ca_file nor upstream.tls.include_system_cas is set, so its certificate cannot be verified and requests to it will fail");
        }

        if (listen is null || tls is null || routes is null || upstream is null || limits is null || _errors.Count > 0)
        {
            return null;
        }

        return new ProxyConfig
        {
            ListenAddress = listen,
            AdminAddress = admin,
            LogLevel = logLevel,
            LogFormat = logFormat,
            ShutdownTimeout = shutdown,
            TunnelDomain = tunnelDomain,
            Tls = tls,
            Routes = routes,
            Upstream = upstream,
            Limits = limits,
        };
    }

    private YamlMappingNode? ReadRoot(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            if (YamlAliasCheck.Find(yaml) is { } unsafeAlias)
            {
                _errors.Add(new ConfigError("yaml", $"line {unsafeAlias.Line}: alias *{unsafeAlias.Anchor} {unsafeAlias.Problem}", "define the anchor (&name) before its aliases and never inside the node it names, or write the value out"));
                return null;
            }

            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            _errors.Add(new ConfigError("yaml", $"line {ex.Start.Line}: {ex.Message}", "fix the YAML syntax (indentation, quoting, a missing ':')"));
            return null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet reports some malformed documents (a stray "!!" tag, a lone surrogate escape, a document
            // marker in the wrong place) with these instead of YamlException; found by fuzzing the loader.
            _errors.Add(new ConfigError("yaml", $"the document is not valid YAML: {ex.Message}", "fix the YAML syntax (indentation, quoting, a missing ':')"));
            return null;
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            _errors.Add(new ConfigError("config", "the file is empty", "see the documented example with listen_addr, tls and routes"));
            return null;
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            _errors.Add(new ConfigError("config", $"line {stream.Documents[0].RootNode.Start.Line}: cannot unmarshal {Tag(stream.Documents[0].RootNode)} into config", "the top level must be a mapping of keys such as listen_addr: and routes:"));
            return null;
        }

        return root;
    }

    private ListenAddress? ReadListenAddress(YamlMappingNode root)
    {
        var value = ReadString(root, "listen_addr");
        if (string.IsNullOrWhiteSpace(value))
        {
            _errors.Add(new ConfigError("listen_addr", "is required", "set listen_addr: \":8080\""));
            return null;
        }

        var colon = value.LastIndexOf(':');
        var host = colon < 0 ? "" : value[..colon].Trim('[', ']');
        if (colon < 0 || !int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 0 or > 65535)
        {
            _errors.Add(new ConfigError("listen_addr", $"\"{value}\" is not host:port", "use \":8080\" (all interfaces) or \"127.0.0.1:8080\""));
            return null;
        }

        if (host.Length > 0 && host != "localhost" && !IPAddress.TryParse(host, out _))
        {
            _errors.Add(new ConfigError("listen_addr", $"host \"{host}\" is not an IP address", "use an IP address, localhost, or leave the host empty (\":8080\") for all interfaces"));
            return null;
        }

        return new ListenAddress(host, port);
    }

    private TlsSettings? ReadTls(YamlMappingNode root)
    {
        var tls = ReadMapping(root, "tls");
        var certFile = tls is null ? null : ReadString(tls, "cert_file", "tls.");
        var keyFile = tls is null ? null : ReadString(tls, "key_file", "tls.");
        if (string.IsNullOrWhiteSpace(certFile))
        {
            _errors.Add(new ConfigError("tls.cert_file", "is required", "point it at the server certificate PEM, e.g. /data/tls.crt"));
        }
        else
        {
            CheckReadable("tls.cert_file", certFile);
        }

        if (string.IsNullOrWhiteSpace(keyFile))
        {
            _errors.Add(new ConfigError("tls.key_file", "is required", "point it at the server private key PEM, e.g. /data/tls.key"));
        }
        else
        {
            CheckReadable("tls.key_file", keyFile);
        }

        var reload = tls is null ? TimeSpan.FromSeconds(5) : ReadDuration(tls, "reload_interval", TimeSpan.FromSeconds(5), "tls.");
        if (tls is not null)
        {
            WarnUnknownKeys(tls, "tls.", "cert_file", "key_file", "reload_interval");
        }

        return string.IsNullOrWhiteSpace(certFile) || string.IsNullOrWhiteSpace(keyFile)
            ? null
            : new TlsSettings(certFile, keyFile) { ReloadInterval = reload > TimeSpan.Zero ? reload : TimeSpan.FromSeconds(5) };
    }

    private void CheckReadable(string field, string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var fix = ex is UnauthorizedAccessException
                ? $"the proxy runs as a non-root user: make the file readable, e.g. chmod 644 {path}"
                : "check the path and the volume mount";
            _errors.Add(new ConfigError(field, GoFileErrors.Describe("open", path, ex), fix));
        }
    }

    private List<RouteDefinition>? ReadRoutes(YamlMappingNode root, string tunnelDomain)
    {
        if (!root.Children.TryGetValue(new YamlScalarNode("routes"), out var node) || node is YamlScalarNode { Value: null or "" })
        {
            _errors.Add(new ConfigError("routes", "is required", "add at least one route, e.g. routes: { echo: http://hello-mcp:9000 }"));
            return null;
        }

        if (node is not YamlMappingNode map)
        {
            // Spec item 24: the exact text from Go's YAML decoder, which the troubleshooting table quotes.
            _errors.Add(new ConfigError("routes", $"line {node.Start.Line}: cannot unmarshal {Tag(node)} into map[string]string", "routes must be a map, e.g. routes: { echo: http://hello-mcp:9000 }, not a list"));
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
                _errors.Add(new ConfigError(field, $"line {valueNode.Start.Line}: cannot unmarshal {Tag(valueNode)} into string", "each route maps a name to one upstream URL string"));
                continue;
            }

            var key = NormalizeDomain(rawKey);
            if (key.Length == 0 || key.Contains(':') || key.Contains('/') || key.Any(char.IsWhiteSpace))
            {
                _errors.Add(new ConfigError(field, $"\"{rawKey}\" is not a hostname or subdomain", "use a subdomain such as echo, or a full hostname such as echo.example.com"));
                continue;
            }

            if (!key.Contains('.') && tunnelDomain.Length == 0)
            {
                _errors.Add(new ConfigError(field, "a bare subdomain key needs tunnel_domain", "set tunnel_domain to the tunnel's domain (or pass -tunnel-domain), or write the full hostname as the key"));
            }

            if (!seen.Add(key))
            {
                _errors.Add(new ConfigError(field, $"duplicate route \"{key}\" (keys are case-insensitive)", "keep one entry per hostname"));
                continue;
            }

            if (!UpstreamAddressParser.TryParse(rawValue, out var upstream, out var reason))
            {
                _errors.Add(new ConfigError(field, $"\"{rawValue}\": invalid upstream (must be scheme://host:port): {reason}", "write the upstream as http://host:port or https://host:port, with no path"));
                continue;
            }

            routes.Add(new RouteDefinition(key, upstream));
        }

        if (map.Children.Count == 0)
        {
            _errors.Add(new ConfigError("routes", "is empty", "add at least one route, e.g. routes: { echo: http://hello-mcp:9000 }"));
        }

        return routes;
    }

    private UpstreamSettings? ReadUpstream(YamlMappingNode root)
    {
        var upstream = ReadMapping(root, "upstream");
        if (upstream is null)
        {
            return new UpstreamSettings();
        }

        WarnUnknownKeys(upstream, "upstream.", "allowed_ips", "disable_ip_validation", "tls", "connect_timeout", "response_header_timeout", "host_header");
        var allowed = ReadAllowedIps(upstream);
        var disable = ReadBool(upstream, "disable_ip_validation", false, "upstream.");
        if (allowed.Count > 0 && disable)
        {
            _errors.Add(new ConfigError("upstream", "allowed_ips and disable_ip_validation are mutually exclusive", "remove one: allowed_ips narrows the allowed ranges, disable_ip_validation turns the check off"));
        }
        else if (disable)
        {
            _warnings.Add("upstream.disable_ip_validation is true: SSRF protection is off, any address an upstream name resolves to is dialled (meant for local testing only). Fix: remove it and list your upstreams' ranges in upstream.allowed_ips");
        }

        // A range this wide lets a route's name resolve to public addresses (or the cloud metadata service's
        // 169.254.169.254): the check still runs but protects nothing, which an operator must not miss.
        foreach (var network in allowed.Where(n => n.PrefixLength < 8))
        {
            _warnings.Add($"upstream.allowed_ips: {network} allows public addresses, so SSRF protection is effectively off (meant for local testing only). Fix: list only the ranges your upstreams use, such as 10.0.0.0/8");
        }

        var tls = ReadMapping(upstream, "tls", "upstream.");
        string? caFile = null;
        var includeSystem = false;
        if (tls is not null)
        {
            WarnUnknownKeys(tls, "upstream.tls.", "ca_file", "include_system_cas");
            caFile = ReadString(tls, "ca_file", "upstream.tls.");
            if (!string.IsNullOrWhiteSpace(caFile))
            {
                CheckReadable("upstream.tls.ca_file", caFile);
            }
            else
            {
                caFile = null;
            }

            includeSystem = ReadBool(tls, "include_system_cas", false, "upstream.tls.");
        }

        return new UpstreamSettings
        {
            AllowedIps = allowed,
            DisableIpValidation = disable,
            TlsCaFile = caFile,
            TlsIncludeSystemCas = includeSystem,
            ConnectTimeout = ReadDuration(upstream, "connect_timeout", TimeSpan.FromSeconds(10), "upstream."),
            ResponseHeaderTimeout = ReadDuration(upstream, "response_header_timeout", TimeSpan.FromSeconds(60), "upstream."),
        };
    }

    /// <summary>
    /// <c>upstream.host_header</c>: route key → <c>original</c> | <c>upstream</c> | a literal host[:port]. It lives
    /// beside the routes rather than in them because <c>routes</c> must stay a flat name → URL map (spec item 24).
    /// </summary>
    private List<RouteDefinition> ApplyHostHeaders(YamlMappingNode root, List<RouteDefinition> routes)
    {
        // ReadUpstream has already reported an upstream: that is not a mapping.
        if (!root.Children.TryGetValue(new YamlScalarNode("upstream"), out var upstreamNode)
            || upstreamNode is not YamlMappingNode upstream
            || !upstream.Children.TryGetValue(new YamlScalarNode("host_header"), out var node)
            || node is YamlScalarNode { Value: null or "" })
        {
            return routes;
        }

        const string Example = "upstream:\n  host_header:\n    echo: upstream";
        if (node is not YamlMappingNode map)
        {
            _errors.Add(new ConfigError("upstream.host_header", $"line {node.Start.Line}: cannot unmarshal {Tag(node)} into map[string]string", $"map each route name to original, upstream or a host, e.g. {Example}"));
            return routes;
        }

        var byKey = routes.ToDictionary(r => r.Key, StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in map.Children)
        {
            var rawKey = (keyNode as YamlScalarNode)?.Value ?? "";
            var field = $"upstream.host_header.{rawKey}";
            if (valueNode is not YamlScalarNode { Value: { } rawValue })
            {
                _errors.Add(new ConfigError(field, $"line {valueNode.Start.Line}: cannot unmarshal {Tag(valueNode)} into string", "give one value: original, upstream, or a host such as localhost:9000"));
                continue;
            }

            var key = NormalizeDomain(rawKey);
            if (!byKey.TryGetValue(key, out var route))
            {
                var known = string.Join(", ", routes.Select(r => r.Key));
                _errors.Add(new ConfigError(field, $"\"{rawKey}\" is not a routes key", $"use a key from routes: ({known})"));
                continue;
            }

            if (!UpstreamHostParser.TryParse(rawValue, out var setting, out var reason))
            {
                _errors.Add(new ConfigError(field, $"\"{rawValue}\" is not original, upstream or a host[:port]: {reason}", $"write original (the caller's Host, the default), upstream (sends {route.Upstream.Host}:{route.Upstream.Port}), or a host such as localhost:{route.Upstream.Port}"));
                continue;
            }

            byKey[key] = route with { HostHeader = setting };
        }

        return [.. routes.Select(r => byKey[r.Key])];
    }

    private List<IPNetwork> ReadAllowedIps(YamlMappingNode upstream)
    {
        var result = new List<IPNetwork>();
        if (!upstream.Children.TryGetValue(new YamlScalarNode("allowed_ips"), out var node) || node is YamlScalarNode { Value: null or "" })
        {
            return result;
        }

        if (node is not YamlSequenceNode list)
        {
            _errors.Add(new ConfigError("upstream.allowed_ips", $"line {node.Start.Line}: cannot unmarshal {Tag(node)} into []string", "write a list, one CIDR per line: - 10.0.0.0/8"));
            return result;
        }

        foreach (var item in list.Children)
        {
            var text = (item as YamlScalarNode)?.Value?.Trim() ?? "";
            if (!AllowedIpParser.TryParse(text, out var network, out var reason))
            {
                _errors.Add(new ConfigError("upstream.allowed_ips", $"line {item.Start.Line}: \"{text}\" {reason}", "use IPv4 CIDRs such as 10.0.0.0/8 or single IPv4 addresses such as 10.1.2.3"));
                continue;
            }

            result.Add(network);
        }

        return result;
    }

    private TunnelLimits? ReadLimits(YamlMappingNode root)
    {
        var limits = ReadMapping(root, "limits");
        if (limits is null)
        {
            return new TunnelLimits();
        }

        WarnUnknownKeys(limits, "limits.", "max_tunnels", "handshake_timeout", "idle_timeout", "ping_interval", "ping_timeout");
        var defaults = new TunnelLimits();
        var maxTunnels = defaults.MaxTunnels;
        var text = ReadString(limits, "max_tunnels", "limits.");
        if (text is not null && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out maxTunnels) || maxTunnels < 1))
        {
            _errors.Add(new ConfigError("limits.max_tunnels", $"\"{text}\" is not a positive integer", "e.g. max_tunnels: 10000"));
        }

        return new TunnelLimits
        {
            MaxTunnels = maxTunnels,
            HandshakeTimeout = ReadDuration(limits, "handshake_timeout", defaults.HandshakeTimeout, "limits."),
            IdleTimeout = ReadDuration(limits, "idle_timeout", defaults.IdleTimeout, "limits."),
            PingInterval = ReadDuration(limits, "ping_interval", defaults.PingInterval, "limits."),
            PingTimeout = ReadDuration(limits, "ping_timeout", defaults.PingTimeout, "limits."),
        };
    }

    private YamlMappingNode? ReadMapping(YamlMappingNode parent, string key, string prefix = "")
    {
        if (!parent.Children.TryGetValue(new YamlScalarNode(key), out var node) || node is YamlScalarNode { Value: null or "" })
        {
            return null;
        }

        if (node is YamlMappingNode map)
        {
            return map;
        }

        _errors.Add(new ConfigError(prefix + key, $"line {node.Start.Line}: cannot unmarshal {Tag(node)} into a mapping", $"{prefix + key} holds nested keys, e.g. {key}:\\n  field: value"));
        return null;
    }

    private string? ReadString(YamlMappingNode parent, string key, string prefix = "")
    {
        if (!parent.Children.TryGetValue(new YamlScalarNode(key), out var node))
        {
            return null;
        }

        if (node is YamlScalarNode scalar)
        {
            return scalar.Value;
        }

        _errors.Add(new ConfigError(prefix + key, $"line {node.Start.Line}: cannot unmarshal {Tag(node)} into string", $"{prefix + key} takes a single value"));
        return null;
    }

    private bool ReadBool(YamlMappingNode parent, string key, bool fallback, string prefix = "")
    {
        var text = ReadString(parent, key, prefix);
        switch (text?.Trim().ToLowerInvariant())
        {
            case null or "":
                return fallback;
            case "true" or "yes" or "on":
                return true;
            case "false" or "no" or "off":
                return false;
            default:
                _errors.Add(new ConfigError(prefix + key, $"\"{text}\" is not a boolean", "use true or false"));
                return fallback;
        }
    }

    private TimeSpan ReadDuration(YamlMappingNode parent, string key, TimeSpan fallback, string prefix = "")
    {
        var text = ReadString(parent, key, prefix);
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        if (!GoDuration.TryParse(text.Trim(), out var value, out var error))
        {
            _errors.Add(new ConfigError(prefix + key, error!, "use a Go duration such as 30s, 1m30s or 2h"));
            return fallback;
        }

        if (value < TimeSpan.Zero)
        {
            _errors.Add(new ConfigError(prefix + key, $"\"{text}\" is negative", "use a positive duration such as 30s"));
            return fallback;
        }

        return value;
    }

    private T ReadEnum<T>(YamlMappingNode parent, string key, T fallback, params (string Name, T Value)[] choices)
    {
        var text = ReadString(parent, key);
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        foreach (var (name, value) in choices)
        {
            if (string.Equals(name, text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        var allowed = string.Join(", ", choices.Select(c => c.Name).Where(n => n != "warning"));
        _errors.Add(new ConfigError(key, $"\"{text}\" is not one of {allowed}", $"set {key} to one of {allowed}"));
        return fallback;
    }

    private void WarnUnknownKeys(YamlMappingNode map, string prefix, params string[] known)
    {
        foreach (var keyNode in map.Children.Keys)
        {
            var name = (keyNode as YamlScalarNode)?.Value ?? "";
            if (!known.Contains(name, StringComparer.Ordinal))
            {
                // OQ8: Go's decoder ignores unknown keys; we keep loading but say so, since it is usually a typo.
                _warnings.Add($"unknown config key \"{prefix}{name}\" (line {keyNode.Start.Line}) is ignored; known keys here: {string.Join(", ", known)}");
            }
        }
    }

    private static string NormalizeDomain(string value) => value.Trim().TrimEnd('.').ToLowerInvariant();

    private static string Tag(YamlNode node) => node switch
    {
        YamlSequenceNode => "!!seq",
        YamlMappingNode => "!!map",
        _ => "!!str",
    };
}

/// <summary>A loaded config and the non-fatal warnings found on the way (unknown keys, https without a trust anchor).</summary>
internal sealed record ProxyConfigLoadResult(ProxyConfig Config, IReadOnlyList<string> Warnings);
