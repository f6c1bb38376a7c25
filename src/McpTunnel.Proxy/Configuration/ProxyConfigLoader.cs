using McpTunnel.Common.Net;
using McpTunnel.Proxy.Configuration.Sections;
using McpTunnel.Proxy.Configuration.Yaml;

namespace McpTunnel.Proxy.Configuration;

/// <summary>
/// Reads the YAML config into an immutable <see cref="ProxyConfig"/>. The YAML node tree is walked by hand (one
/// reader per section, <see cref="Sections"/>) rather than deserialised into classes, so that every error is
/// collected, not just the first; each names its field, its line and its fix; and the texts the troubleshooting
/// page quotes from Go's decoder (<c>cannot unmarshal !!seq into map[string]string</c>) come out the same.
/// Adding a key touches its record (with its default), its section reader and the docs.
/// </summary>
internal static class ProxyConfigLoader
{
    /// <summary>How <c>mcp-proxy</c> is told the path; a caller with another way (<c>mcptunnel check CONFIG</c>) passes its own.</summary>
    public const string ProxyPathHint = "pass the config path with -config PATH";

    private static readonly (string, LogLevelSetting)[] LogLevels =
        [("debug", LogLevelSetting.Debug), ("info", LogLevelSetting.Info), ("warn", LogLevelSetting.Warn), ("error", LogLevelSetting.Error)];

    private static readonly (string, LogFormat)[] LogFormats = [("text", LogFormat.Text), ("json", LogFormat.Json)];

    /// <summary>Loads <paramref name="path"/>; throws <see cref="ProxyConfigException"/> listing every problem.</summary>
    /// <param name="tunnelDomainOverride">The <c>-tunnel-domain</c> flag: when non-empty it wins over the file's <c>tunnel_domain</c>.</param>
    /// <param name="pathHint">The first half of the fix when the file cannot be read: how this caller is given the path.</param>
    public static ProxyConfigLoadResult Load(string path, string? tunnelDomainOverride = null, string pathHint = ProxyPathHint)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ProxyConfigException(path, [new ConfigError("config", GoFileErrors.Describe("open", path, ex), $"{pathHint} and make it readable by the proxy's user")]);
        }

        // Decoded as File.ReadAllText would (UTF-8, or the encoding a byte order mark names); the hash is of the bytes.
        using var reader = new StreamReader(new MemoryStream(bytes), System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Parse(reader.ReadToEnd(), path, tunnelDomainOverride) with { Hash = ConfigHash.Of(bytes), Sha256 = ConfigHash.Full(bytes) };
    }

    /// <summary>Parses YAML text; <paramref name="path"/> is used in messages only.</summary>
    public static ProxyConfigLoadResult Parse(string yaml, string path = "config.yaml", string? tunnelDomainOverride = null)
    {
        var diagnostics = new ConfigDiagnostics();
        var config = Build(yaml, tunnelDomainOverride, diagnostics);
        if (diagnostics.HasErrors || config is null)
        {
            throw new ProxyConfigException(path, diagnostics.Errors);
        }

        return new ProxyConfigLoadResult(config, diagnostics.Warnings);
    }

    private static ProxyConfig? Build(string yaml, string? tunnelDomainOverride, ConfigDiagnostics diagnostics)
    {
        if (ConfigDocument.ReadRoot(yaml, diagnostics) is not { } rootNode)
        {
            return null;
        }

        var root = new ConfigMapping(rootNode, "", diagnostics);
        var listen = ListenAddressSection.ReadListen(root);
        var admin = ListenAddressSection.ReadAdmin(root);
        var logLevel = root.Choice("log_level", ProxyConfig.DefaultLogLevel, LogLevels, [("warning", LogLevelSetting.Warn)]);
        var logFormat = root.Choice("log_format", ProxyConfig.DefaultLogFormat, LogFormats);
        var shutdown = root.Duration("shutdown_timeout", ProxyConfig.DefaultShutdownTimeout);
        var fileDomain = root.String("tunnel_domain") ?? "";
        var tunnelDomain = RouteKey.Normalize(string.IsNullOrWhiteSpace(tunnelDomainOverride) ? fileDomain : tunnelDomainOverride);

        var tls = TlsSection.Read(root);
        var routes = RoutesSection.Read(root);
        var upstreamMapping = root.Mapping("upstream");
        var upstream = UpstreamSection.Read(upstreamMapping);
        if (routes is not null)
        {
            routes = HostHeaderSection.Apply(upstreamMapping, routes);
            routes = ResponseHeaderTimeoutSection.ApplyByRoute(upstreamMapping, routes);
            routes = CredentialsSection.Apply(upstreamMapping, routes);
            routes = PolicySection.Apply(root, routes);
        }

        upstreamMapping?.WarnUnknownKeys();
        var limits = LimitsSection.Read(root);
        var audit = AuditSection.Read(root);
        root.WarnUnknownKeys();
        ProxyConfigValidator.Validate(listen, admin, tunnelDomain, routes, upstream, diagnostics);

        if (listen is null || tls is null || routes is null || diagnostics.HasErrors)
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
            Audit = audit,
        };
    }
}

/// <summary>A loaded config and the non-fatal warnings found on the way (unknown keys, https without a trust anchor).</summary>
internal sealed record ProxyConfigLoadResult(ProxyConfig Config, IReadOnlyList<string> Warnings)
{
    /// <summary>The file's <see cref="ConfigHash"/>; null when the config came from text, not a file.</summary>
    public string? Hash { get; init; }

    /// <summary>The file's full SHA-256 (<see cref="ConfigHash.Full"/>), named by audit anchors; null when the config came from text.</summary>
    public string? Sha256 { get; init; }
}
