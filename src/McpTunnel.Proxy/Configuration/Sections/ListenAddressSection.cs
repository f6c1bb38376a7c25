using McpTunnel.Common.Net;
using McpTunnel.Proxy.Configuration.Yaml;

namespace McpTunnel.Proxy.Configuration.Sections;

/// <summary>
/// The two listen addresses, Go's <c>host:port</c> where an empty host (<c>:8080</c>) means every interface:
/// <c>listen_addr</c>, the tunnel listener (required), and <c>admin_addr</c>, our extension for <c>/healthz</c>,
/// <c>/readyz</c> and <c>/metrics</c> (absent means no admin listener at all).
/// </summary>
internal static class ListenAddressSection
{
    public const string AdminKey = "admin_addr";

    public static ListenAddress? ReadListen(ConfigMapping root)
    {
        const string Key = "listen_addr";
        var value = root.String(Key);
        if (string.IsNullOrWhiteSpace(value))
        {
            root.Diagnostics.Error(Key, "is required", "set listen_addr: \":8080\"");
            return null;
        }

        return Parse(root.Diagnostics, Key, value, "use \":8080\" (all interfaces) or \"127.0.0.1:8080\"", 8080);
    }

    public static ListenAddress? ReadAdmin(ConfigMapping root) =>
        root.String(AdminKey) is { } value
            ? Parse(root.Diagnostics, AdminKey, value, "use \"127.0.0.1:9090\" (this machine only) or \":9090\" (all interfaces, e.g. in a pod)", 9090)
            : null;

    private static ListenAddress? Parse(ConfigDiagnostics diagnostics, string key, string value, string formFix, int examplePort)
    {
        if (ListenAddress.TryParse(value, out var address, out var problem))
        {
            return address;
        }

        diagnostics.Error(key, problem, problem.StartsWith("host ", StringComparison.Ordinal)
            ? $"use an IP address, localhost, or leave the host empty (\":{examplePort}\") for all interfaces"
            : formFix);
        return null;
    }
}
