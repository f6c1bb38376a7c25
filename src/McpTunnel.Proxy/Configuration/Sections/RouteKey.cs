namespace McpTunnel.Proxy.Configuration.Sections;

/// <summary>Hostnames compare case-insensitively and without a trailing dot, in route keys and in <c>tunnel_domain</c> alike.</summary>
internal static class RouteKey
{
    public static string Normalize(string value) => value.Trim().TrimEnd('.').ToLowerInvariant();
}
