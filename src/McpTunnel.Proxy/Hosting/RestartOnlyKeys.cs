using McpTunnel.Common;
using McpTunnel.Proxy.Configuration;

namespace McpTunnel.Proxy.Hosting;

/// <summary>
/// The keys a running proxy cannot change: they were used to open listeners, load the certificate, start the log writer
/// arm the tunnel layer's timers, or open the audit chain. A reload that changes one is refused whole, naming each such key, so an operator never
/// runs half of an edit (docs/ARCHITECTURE.md "Configuration reload").
/// </summary>
internal static class RestartOnlyKeys
{
    private const string Fix = "restart the proxy to apply it, or put the running value back to reload the rest";

    public static IReadOnlyList<ConfigError> Changed(ProxyConfig running, ProxyConfig next)
    {
        var errors = new List<ConfigError>();
        void Check<T>(string key, T was, T now, Func<T, string>? show = null)
        {
            if (!EqualityComparer<T>.Default.Equals(was, now))
            {
                show ??= v => v?.ToString() ?? "(none)";
                errors.Add(new ConfigError(key, $"changed from {Quote(show(was))} to {Quote(show(now))}, which takes effect only when the proxy starts", Fix));
            }
        }

        Check("listen_addr", running.ListenAddress, next.ListenAddress);
        Check("admin_addr", running.AdminAddress, next.AdminAddress);
        Check("tunnel_domain", running.TunnelDomain, next.TunnelDomain);
        Check("tls.cert_file", running.Tls.CertFile, next.Tls.CertFile);
        Check("tls.key_file", running.Tls.KeyFile, next.Tls.KeyFile);
        Check("tls.reload_interval", running.Tls.ReloadInterval, next.Tls.ReloadInterval, GoDuration.Format);
        Check("log_format", running.LogFormat, next.LogFormat, f => f.ToString().ToLowerInvariant());
        Check("shutdown_timeout", running.ShutdownTimeout, next.ShutdownTimeout, GoDuration.Format);
        Check("limits.max_tunnels", running.Limits.MaxTunnels, next.Limits.MaxTunnels);
        Check("limits.handshake_timeout", running.Limits.HandshakeTimeout, next.Limits.HandshakeTimeout, GoDuration.Format);
        Check("limits.idle_timeout", running.Limits.IdleTimeout, next.Limits.IdleTimeout, GoDuration.Format);
        Check("limits.ping_interval", running.Limits.PingInterval, next.Limits.PingInterval, GoDuration.Format);
        Check("limits.ping_timeout", running.Limits.PingTimeout, next.Limits.PingTimeout, GoDuration.Format);

        // The audit chain's sinks and files are opened at start, and a chain must not change shape in the middle.
        if (Describe(running.Audit) != Describe(next.Audit))
        {
            errors.Add(new ConfigError("audit", "the audit section changed, which takes effect only when the proxy starts", Fix));
        }
        return errors;
    }

    private static string Quote(string value) => $"\"{value}\"";

    /// <summary>The audit section as one comparable string (records compare their lists by reference).</summary>
    private static string Describe(AuditSettings? audit) => audit is null ? "" : string.Join('|',
        audit.File?.Path, audit.File?.MaxBytes, audit.File?.MaxAge.Ticks, audit.Stdout, audit.Otlp, audit.Arguments, string.Join(',', audit.RedactKeys), audit.QueueSize);
}
