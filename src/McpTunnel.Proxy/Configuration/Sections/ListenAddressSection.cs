using System.Globalization;
using System.Net;
using McpTunnel.Proxy.Configuration.Yaml;

namespace McpTunnel.Proxy.Configuration.Sections;

/// <summary><c>listen_addr</c>: Go's <c>host:port</c>, where an empty host (<c>:8080</c>) means every interface.</summary>
internal static class ListenAddressSection
{
    public static ListenAddress? Read(ConfigMapping root)
    {
        const string Key = "listen_addr";
        var value = root.String(Key);
        if (string.IsNullOrWhiteSpace(value))
        {
            root.Diagnostics.Error(Key, "is required", "set listen_addr: \":8080\"");
            return null;
        }

        var colon = value.LastIndexOf(':');
        var host = colon < 0 ? "" : value[..colon].Trim('[', ']');
        if (colon < 0 || !int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 0 or > 65535)
        {
            root.Diagnostics.Error(Key, $"\"{value}\" is not host:port", "use \":8080\" (all interfaces) or \"127.0.0.1:8080\"");
            return null;
        }

        if (host.Length > 0 && host != "localhost" && !IPAddress.TryParse(host, out _))
        {
            root.Diagnostics.Error(Key, $"host \"{host}\" is not an IP address", "use an IP address, localhost, or leave the host empty (\":8080\") for all interfaces");
            return null;
        }

        return new ListenAddress(host, port);
    }
}
