namespace McpTunnel.Cli.Terminal;

/// <summary>
/// Rows of the docs' troubleshooting table that <c>check</c> and <c>doctor</c> diagnose, in the
/// docs' words, so operators can look them up. Each says the row letter, the cause and the fix.
/// </summary>
internal static class Troubleshooting
{
    public static readonly TroubleshootingRow NoRoute = new(
        "d", "tunnel_domain missing or wrong, a route name typo, or the config was edited without a restart",
        "Set tunnel_domain to the exact domain on the tunnel detail page and name the route as Claude calls it, then docker compose restart mcp-proxy cloudflared");

    public static readonly TroubleshootingRow EgressDenied = new(
        "e", "the upstream resolves outside the allowed ranges (public, loopback, or a non-RFC1918 Service CIDR)",
        "Run the upstream as a Compose service on the proxy's network, or add the narrowest CIDR to upstream.allowed_ips (it replaces the defaults; avoid 0.0.0.0/0 outside local testing)");

    public static readonly TroubleshootingRow PlainHttp = new(
        "h", "the listener is plaintext WebSocket with TLS inside; plain HTTP or TLS straight to it cannot work",
        "Do not curl the proxy directly; verify through a Managed Agent, the Messages API, mcptunnel edge or mcptunnel doctor");

    public static readonly TroubleshootingRow UnknownCa = new(
        "i", "the proxy's certificate is not signed by the CA registered on this tunnel (tls handshake failed: unknown certificate authority)",
        "Register (re-upload) data/ca.crt in the Console, or re-issue tls.crt from the registered CA: mcptunnel certs server");

    public static readonly TroubleshootingRow BadCertificate = new(
        "j", "the server certificate's SAN does not match *.<tunnel-domain>, or it expired (tls handshake failed: bad certificate)",
        "Re-issue the certificate for the tunnel domain: mcptunnel certs server --domain <tunnel-domain> --force (or certs renew when only expired)");

    public static readonly TroubleshootingRow HostProcess = new(
        "l", "the upstream is not listening where the route points (down, wrong port, or a host process rootless Docker cannot reach)",
        "Start the MCP server, check the route's host:port, and run it as a Compose service on the proxy's network");

    public static readonly TroubleshootingRow NotRegistered = new(
        "m", "nothing answers on the proxy's listen address (proxy not running, exited, or doctor is outside the stack's network)",
        "Start the stack (docker compose up -d), read docker compose logs mcp-proxy for why it exited, and run doctor inside the proxy's network namespace (or pass --proxy ws://HOST:PORT)");

    /// <summary>Ours, not the docs': MCP SDKs guard against DNS rebinding by refusing Host names they do not know.</summary>
    public static readonly TroubleshootingRow HostRefused = new(
        "r", "the upstream refuses the tunnel's Host (echo.<tunnel-domain>): a DNS-rebinding guard or allowed-hosts list (403/421 Invalid Host, 400 host filtering)",
        "Send the upstream its own name: upstream.host_header: { <route>: upstream } (or a literal it accepts), then restart the proxy; or add the public name to the server's allowed hosts (TypeScript SDK createMcpExpressApp({ allowedHosts }), Python SDK transport_security allowed_hosts, ASP.NET Core AllowedHosts)");

    public static readonly TroubleshootingRow ConfigNotReloaded = new(
        "k", "the running proxy uses another config than this file (config is not hot-reloaded)",
        "docker compose restart mcp-proxy, then docker compose restart cloudflared (it shares the proxy's network namespace and loses it when the proxy's container restarts); or helm upgrade");
}

internal sealed record TroubleshootingRow(string Row, string Cause, string Fix)
{
    public string Describe() => $"troubleshooting row {Row}: {Cause}";
}
