using McpTunnel.Common.Net;
using McpTunnel.Proxy.Configuration.Yaml;

namespace McpTunnel.Proxy.Configuration;

/// <summary>
/// The rules that join fields of different sections. Runs on whatever the section readers produced, even when some
/// sections failed, so one load reports every problem.
/// </summary>
internal static class ProxyConfigValidator
{
    /// <summary>Wider than this, an allow-list also admits public addresses (or the cloud metadata service's 169.254.169.254).</summary>
    private const int NarrowestSafePrefix = 8;

    public static void Validate(ListenAddress? listen, ListenAddress? admin, string tunnelDomain, IReadOnlyList<RouteDefinition>? routes, UpstreamSettings upstream, ConfigDiagnostics diagnostics)
    {
        // Nothing operational is ever served where the edge's traffic arrives, so the two listeners never share a port.
        if (listen is not null && admin is not null && admin.Port != 0 && admin.Port == listen.Port)
        {
            diagnostics.Error("admin_addr", $"port {admin.Port} is also listen_addr's port", "give the admin listener its own port, e.g. admin_addr: \"127.0.0.1:9090\"");
        }

        foreach (var route in routes ?? [])
        {
            if (!route.Key.Contains('.') && tunnelDomain.Length == 0)
            {
                diagnostics.Error($"routes.{route.Key}", "a bare subdomain key needs tunnel_domain", "set tunnel_domain to the tunnel's domain (or pass -tunnel-domain), or write the full hostname as the key");
            }
        }

        if (upstream.AllowedIps.Count > 0 && upstream.DisableIpValidation)
        {
            diagnostics.Error("upstream", "allowed_ips and disable_ip_validation are mutually exclusive", "remove one: allowed_ips narrows the allowed ranges, disable_ip_validation turns the check off");
        }
        else if (upstream.DisableIpValidation)
        {
            diagnostics.Warn("upstream.disable_ip_validation is true: SSRF protection is off, any address an upstream name resolves to is dialled (meant for local testing only). Fix: remove it and list your upstreams' ranges in upstream.allowed_ips");
        }

        // The check still runs with such a range, but protects nothing, which an operator must not miss.
        foreach (var network in upstream.AllowedIps.Where(n => n.PrefixLength < NarrowestSafePrefix))
        {
            diagnostics.Warn($"upstream.allowed_ips: {network} allows public addresses, so SSRF protection is effectively off (meant for local testing only). Fix: list only the ranges your upstreams use, such as 10.0.0.0/8");
        }

        // Not an error, because the proxy can still serve its other routes; but every request to this one will fail
        // certificate verification.
        if (routes is not null && routes.Any(r => r.Upstream.IsHttps) && upstream.TlsCaFile is null && !upstream.TlsIncludeSystemCas)
        {
            diagnostics.Warn("routes: an https:// upstream is configured but neither upstream.tls.ca_file nor upstream.tls.include_system_cas is set, so its certificate cannot be verified and requests to it will fail");
        }
    }
}
