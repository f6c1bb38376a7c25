using McpTunnel.Cli.Check;

namespace McpTunnel.Cli.Doctor;

/// <summary>What <c>mcptunnel doctor</c> checks: the proxy config and registered CA it reads, and where the proxy listens.</summary>
internal sealed record DoctorOptions(string ConfigPath, string CaPath)
{
    /// <summary>Default: <c>ws://127.0.0.1:&lt;listen_addr port&gt;/</c>, where cloudflared reaches it.</summary>
    public Uri? ProxyUri { get; init; }

    /// <summary>The MCP endpoint path the upstreams serve (FastMCP streamable-http: <c>/mcp</c>).</summary>
    public string Path { get; init; } = "/mcp";

    /// <summary>The tunnel's real domain (the Console's, or <c>TUNNEL_DOMAIN</c>); compared with tunnel_domain.</summary>
    public string? Domain { get; init; }

    /// <summary>Names Claude will call (a full host, or a route name under the domain), beyond each route's own.</summary>
    public IReadOnlyList<string> Hosts { get; init; } = [];

    /// <summary>The proxy's admin listener (<c>admin_addr</c>), when given: its <c>/readyz</c> and <c>/metrics</c> are checked too.</summary>
    public Uri? AdminUri { get; init; }

    /// <summary>The MCP URL Claude is given (<c>--oauth</c>), when given: its OAuth discovery is checked through the tunnel.</summary>
    public Uri? OAuthUrl { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    public IReadOnlyList<PathMount> Mounts { get; init; } = [];

    /// <summary>Warn when the server certificate has fewer days left than this.</summary>
    public int RenewWithinDays { get; init; } = 30;
}
