using System.Globalization;
using System.Net;

namespace McpTunnel.Proxy.Configuration;

/// <summary>
/// Reads <c>admin_addr</c> (our extension): where <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c> listen. Absent
/// means no admin listener at all. It must be a separate port from <c>listen_addr</c>: the tunnel listener accepts
/// WebSocket tunnels only, and nothing operational is ever served where the edge's traffic arrives.
/// </summary>
internal static class AdminAddressParser
{
    public const string Key = "admin_addr";

    public static ListenAddress? Parse(string? value, ListenAddress? listen, List<ConfigError> errors)
    {
        if (value is null)
        {
            return null;
        }

        var colon = value.LastIndexOf(':');
        var host = colon < 0 ? "" : value[..colon].Trim('[', ']');
        if (colon < 0 || !int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 0 or > 65535)
        {
            errors.Add(new ConfigError(Key, $"\"{value}\" is not host:port", "use \"127.0.0.1:9090\" (this machine only) or \":9090\" (all interfaces, e.g. in a pod)"));
            return null;
        }

        if (host.Length > 0 && host != "localhost" && !IPAddress.TryParse(host, out _))
        {
            errors.Add(new ConfigError(Key, $"host \"{host}\" is not an IP address", "use an IP address, localhost, or leave the host empty (\":9090\") for all interfaces"));
            return null;
        }

        if (listen is not null && port != 0 && port == listen.Port)
        {
            errors.Add(new ConfigError(Key, $"port {port} is also listen_addr's port", "give the admin listener its own port, e.g. admin_addr: \"127.0.0.1:9090\""));
            return null;
        }

        return new ListenAddress(host, port);
    }
}
