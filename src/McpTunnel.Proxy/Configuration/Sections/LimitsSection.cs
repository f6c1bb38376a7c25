using System.Globalization;
using McpTunnel.Proxy.Configuration.Yaml;

namespace McpTunnel.Proxy.Configuration.Sections;

/// <summary><c>limits:</c> our extension bounding upgraded connections; every field is optional with a safe default.</summary>
internal static class LimitsSection
{
    public static TunnelLimits Read(ConfigMapping root)
    {
        var defaults = new TunnelLimits();
        var limits = root.Mapping("limits");
        if (limits is null)
        {
            return defaults;
        }

        var maxTunnels = defaults.MaxTunnels;
        var text = limits.String("max_tunnels");
        if (text is not null && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out maxTunnels) || maxTunnels < 1))
        {
            limits.Diagnostics.Error("limits.max_tunnels", $"\"{text}\" is not a positive integer", "e.g. max_tunnels: 10000");
            maxTunnels = defaults.MaxTunnels;
        }

        var result = new TunnelLimits
        {
            MaxTunnels = maxTunnels,
            HandshakeTimeout = limits.Duration("handshake_timeout", defaults.HandshakeTimeout),
            IdleTimeout = limits.Duration("idle_timeout", defaults.IdleTimeout),
            PingInterval = limits.Duration("ping_interval", defaults.PingInterval),
            PingTimeout = limits.Duration("ping_timeout", defaults.PingTimeout),
        };
        limits.WarnUnknownKeys();
        return result;
    }
}
