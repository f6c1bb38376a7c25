using McpTunnel.Proxy.Configuration;

namespace McpTunnel.Proxy.Routing;

/// <summary>
/// Decides the Host a route's upstream receives (docs/ARCHITECTURE.md "Transparency"). The forwarder only ever sees the
/// answer: null keeps the caller's Host, anything else replaces it. X-Forwarded-Host carries the caller's Host
/// either way, so an upstream that gets its own name can still build public URLs.
/// </summary>
internal static class UpstreamHostPolicy
{
    /// <summary>The effective setting: the configured one, else the default for the upstream's scheme.</summary>
    public static UpstreamHostSetting Effective(RouteDefinition route) =>
        route.HostHeader ?? (route.Upstream.IsHttps ? UpstreamHostSetting.Upstream : UpstreamHostSetting.Original);

    /// <summary>The Host header to send, or null to keep the incoming one.</summary>
    public static string? HostHeaderFor(RouteDefinition route)
    {
        var setting = Effective(route);
        return setting.Mode switch
        {
            UpstreamHostMode.Original => null,
            UpstreamHostMode.Upstream => UpstreamAuthority(route.Upstream),
            _ => setting.Literal,
        };
    }

    /// <summary><c>host:port</c> of the route URL, IPv6 literals bracketed as in a URL.</summary>
    public static string UpstreamAuthority(UpstreamAddress upstream) =>
        upstream.Host.Contains(':') ? $"[{upstream.Host}]:{upstream.Port}" : $"{upstream.Host}:{upstream.Port}";
}
