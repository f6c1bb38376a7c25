namespace McpTunnel.Proxy.Hosting;

/// <summary>How a <see cref="ProxyServer"/> is hosted: by the <c>mcp-proxy</c> executable, or inside the CLI and tests.</summary>
internal sealed record ProxyServerOptions
{
    /// <summary>Write log lines to stdout (the executable); the demo and tests capture them instead.</summary>
    public bool LogToConsole { get; init; } = true;

    /// <summary>Extra logging setup, e.g. a capturing provider in tests.</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; init; }

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Let the host react to SIGTERM/SIGINT (the executable); embedded servers are stopped by their owner.</summary>
    public bool HandleStopSignals { get; init; } = true;

    /// <summary>The <c>OTEL_*</c> variables tracing reads; null means the process environment (tests pass their own).</summary>
    public IReadOnlyDictionary<string, string?>? TelemetryEnvironment { get; init; }

    /// <summary>SHA-256 of the config file's bytes (lower-case hex), named by the audit log's anchor records; null when unknown.</summary>
    public string? ConfigSha256 { get; init; }

    /// <summary>Where <c>audit.stdout</c> writes; null means the process's standard output (tests pass their own).</summary>
    public TextWriter? AuditStdout { get; init; }

    /// <summary>
    /// The file the config was loaded from: with it the server can reload (<see cref="ProxyServer.ReloadConfig"/>,
    /// SIGHUP in <c>mcp-proxy</c>); without it (a config built from text) there is nothing to reload.
    /// </summary>
    public string? ConfigPath { get; init; }

    /// <summary>The <c>-tunnel-domain</c> flag, applied again on every reload as at start.</summary>
    public string? TunnelDomainOverride { get; init; }

    /// <summary><c>-watch-config</c>: reload when the file's content changes (needs <see cref="ConfigPath"/>).</summary>
    public bool WatchConfig { get; init; }
}
