using McpTunnel.Common;
using McpTunnel.Proxy.Configuration;

namespace McpTunnel.Proxy.Hosting;

/// <summary>
/// The keys a running proxy cannot change: they were used to open listeners, load the certificate, start the log writer
/// or arm the tunnel layer's timers; turning audit on is one too. A reload that changes one is refused whole, naming each such key, so an operator never
/// runs half of an edit (docs/ARCHITECTURE.md "Configuration reload").
/// </summary>
internal static class RestartOnlyKeys
{
    private const string Fix = "restart the proxy to apply it, or put the running value back to reload the rest";

    public static IReadOnlyList<ConfigError> Changed(ProxyConfig running, ProxyConfig next, bool auditRunning)
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

        // A proxy started without audit builds no record of its requests (so that it reads and holds nothing for one);
        // every audit setting of a proxy started with it reloads (Audit/AuditSwitch).
        if (!auditRunning && next.Audit is not null)
        {
            errors.Add(new ConfigError("audit", "the proxy started without audit, and turning it on takes effect only when the proxy starts", "restart the proxy to start recording, or remove audit: to reload the rest"));
        }

        return errors;
    }

    private static string Quote(string value) => $"\"{value}\"";
}
