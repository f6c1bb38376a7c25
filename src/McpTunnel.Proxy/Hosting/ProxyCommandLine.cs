using McpTunnel.CommandLine;

namespace McpTunnel.Proxy.Hosting;

/// <summary>
/// <c>mcp-proxy</c>'s flags, single-dash Go style as the reference proxy and its Helm chart pass them: <c>-config PATH</c>, <c>-tunnel-domain D</c>,
/// each also as <c>--name</c>, <c>-name=value</c> or <c>--name=value</c>; plus <c>-version</c> and <c>-help</c>.
/// </summary>
internal sealed record ProxyCommandLine
{
    public const string DefaultConfigPath = "/etc/mcp-gateway/config.yaml";

    public string ConfigPath { get; init; } = DefaultConfigPath;

    public string? TunnelDomain { get; init; }

    public bool ShowHelp { get; init; }

    public bool ShowVersion { get; init; }

    /// <summary><c>-healthcheck</c>: ask the running proxy's admin listener for <c>/readyz</c> and exit 0 or 1 (the image's HEALTHCHECK).</summary>
    public bool HealthCheck { get; init; }

    /// <summary><c>-watch-config</c>: reload the config when the file's content changes (SIGHUP reloads either way).</summary>
    public bool WatchConfig { get; init; }

    public const string Usage = """
        Usage: mcp-proxy [-config PATH] [-tunnel-domain DOMAIN] [-watch-config] [-healthcheck]

        Accepts WebSocket tunnels from cloudflared on listen_addr, terminates the inner TLS session with
        tls.cert_file/tls.key_file, and forwards each MCP request by hostname to its upstream.

        Flags (single or double dash; "-flag value" or "-flag=value"):
          -config PATH           config file (default /etc/mcp-gateway/config.yaml)
          -tunnel-domain DOMAIN  tunnel domain; overrides tunnel_domain in the config file
          -watch-config          reload the config when the file's content changes (also a ConfigMap update)
          -healthcheck           ask the running proxy (admin_addr in the config) whether it is ready; exit 0 if so, else 1
          -version               print the version and exit
          -help                  print this help and exit

        SIGHUP reloads the config: it is validated in full first (run 'mcptunnel check PATH' before signalling), a bad
        file keeps the running config, and listen_addr, admin_addr, tunnel_domain, the tls files, log_format,
        shutdown_timeout and limits take a restart. The certificate is reloaded automatically.
        """;

    /// <summary>Reads the flags by Go's rules (<see cref="GoFlagSet"/>): false with Go's text for the first problem.</summary>
    public static bool TryParse(IReadOnlyList<string> args, out ProxyCommandLine commandLine, out string error)
    {
        var configPath = DefaultConfigPath;
        string? tunnelDomain = null;
        bool help = false, version = false, healthCheck = false, watchConfig = false;
        var parsed = new GoFlagSet()
            .Value(value => configPath = value, "config")
            .Value(value => tunnelDomain = value, "tunnel-domain")
            .Switch(() => help = true, "help", "h")
            .Switch(() => version = true, "version", "v")
            .Switch(() => healthCheck = true, "healthcheck")
            .Switch(() => watchConfig = true, "watch-config")
            .TryParse(args, out error);
        commandLine = new ProxyCommandLine
        {
            ConfigPath = configPath,
            TunnelDomain = tunnelDomain,
            ShowHelp = help,
            ShowVersion = version,
            HealthCheck = healthCheck,
            WatchConfig = watchConfig,
        };
        return parsed;
    }
}
