using McpTunnel.Common.Net;
using System.Net;

namespace McpTunnel.Proxy.Configuration;

/// <summary>
/// The validated, immutable proxy configuration: the documented keys plus our documented extensions, each with its
/// default written here once. Built by <see cref="ProxyConfigLoader"/> at start and again by each reload, which swaps in a
/// whole new snapshot of it (docs/ARCHITECTURE.md "Configuration reload"); an instance never changes.
/// </summary>
internal sealed record ProxyConfig
{
    public const LogLevelSetting DefaultLogLevel = LogLevelSetting.Info;
    public const LogFormat DefaultLogFormat = LogFormat.Text;
    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(30);

    public required ListenAddress ListenAddress { get; init; }

    /// <summary><c>admin_addr</c>: the health, readiness and metrics listener; null (the default) means none.</summary>
    public ListenAddress? AdminAddress { get; init; }
    public LogLevelSetting LogLevel { get; init; } = DefaultLogLevel;
    public LogFormat LogFormat { get; init; } = DefaultLogFormat;
    public TimeSpan ShutdownTimeout { get; init; } = DefaultShutdownTimeout;
    public string TunnelDomain { get; init; } = "";
    public required TlsSettings Tls { get; init; }
    public required IReadOnlyList<RouteDefinition> Routes { get; init; }
    public UpstreamSettings Upstream { get; init; } = new();
    public TunnelLimits Limits { get; init; } = new();

    /// <summary><c>audit:</c>; null (the default) means no audit records at all.</summary>
    public AuditSettings? Audit { get; init; }
}

internal enum LogLevelSetting
{
    Debug,
    Info,
    Warn,
    Error,
}

internal enum LogFormat
{
    Text,
    Json,
}

internal sealed record TlsSettings(string CertFile, string KeyFile)
{
    public static readonly TimeSpan DefaultReloadInterval = TimeSpan.FromSeconds(5);

    /// <summary>How often the certificate and key files are checked for changes, so a renewal needs no restart.</summary>
    public TimeSpan ReloadInterval { get; init; } = DefaultReloadInterval;
}

/// <summary>One <c>routes</c> entry: a bare subdomain or full hostname key and its upstream.</summary>
internal sealed record RouteDefinition(string Key, UpstreamAddress Upstream)
{
    /// <summary>From <c>upstream.host_header.&lt;key&gt;</c>; null when the route keeps the default (see <see cref="UpstreamHostSetting"/>).</summary>
    public UpstreamHostSetting? HostHeader { get; init; }

    /// <summary>
    /// From <c>upstream.response_header_timeout_by_route.&lt;key&gt;</c>; null when the route follows
    /// <c>upstream.response_header_timeout</c>. <see cref="Timeout.InfiniteTimeSpan"/> means no limit.
    /// </summary>
    public TimeSpan? ResponseHeaderTimeout { get; init; }

    /// <summary>From <c>policy.&lt;key&gt;</c>; null when the route has none and is forwarded untouched.</summary>
    public RoutePolicySettings? Policy { get; init; }

    /// <summary>From <c>upstream.credentials.&lt;key&gt;</c>; null when the proxy adds no credential (the default).</summary>
    public CredentialSettings? Credential { get; init; }
}

/// <summary>An upstream written exactly as <c>scheme://host:port</c>: no path, no user info, an explicit port.</summary>
internal sealed record UpstreamAddress(string Scheme, string Host, int Port)
{
    public bool IsHttps => Scheme == "https";

    public Uri BaseUri { get; } = new($"{Scheme}://{(Host.Contains(':') ? $"[{Host}]" : Host)}:{Port}");

    public override string ToString() => $"{Scheme}://{Host}:{Port}";
}

internal sealed record UpstreamSettings
{
    /// <summary>Ranges the proxy may dial (IPv4 only); empty means the default, the RFC 1918 private ranges.</summary>
    public IReadOnlyList<IPNetwork> AllowedIps { get; init; } = [];
    public bool DisableIpValidation { get; init; }
    public string? TlsCaFile { get; init; }
    public bool TlsIncludeSystemCas { get; init; }
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// End of the request body → response headers; <see cref="Timeout.InfiniteTimeSpan"/> (the default, and what
    /// <c>0s</c> configures) means no limit. Off by default because the documented proxy has none: a tool answered in
    /// one JSON response sends nothing until its result, and Claude waits up to 300 s for it. The wait stays bounded
    /// without us: when the caller gives up, its abort cancels the upstream request (docs/RELIABILITY.md).
    /// </summary>
    public TimeSpan ResponseHeaderTimeout { get; init; } = Timeout.InfiniteTimeSpan;
}

/// <summary>
/// Protections for upgraded connections, which Kestrel's request limits do not cover (docs/ARCHITECTURE.md "Outer listener").
/// Configured under <c>limits:</c>, an extension of ours; every field has a safe default.
/// </summary>
internal sealed record TunnelLimits
{
    public int MaxTunnels { get; init; } = 10_000;
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(130);
    public TimeSpan PingInterval { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan PingTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
