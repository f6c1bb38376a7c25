namespace McpTunnel.Cli.Terminal;

/// <summary>
/// Rows of the README's troubleshooting table that <c>check</c> and <c>doctor</c> diagnose, named by the table's
/// "Row" column so operators can look them up (a test holds every name to the README). Each says the row, the cause
/// and the fix.
/// </summary>
internal static class Troubleshooting
{
    public static readonly TroubleshootingRow NoRoute = new(
        "no route", "tunnel_domain missing or wrong, a route name typo, or the config was edited and not reloaded",
        "Name the route as Claude calls it and reload: mcptunnel check CONFIG, then docker compose kill -s HUP mcp-proxy; a wrong tunnel_domain takes a restart (docker compose restart mcp-proxy cloudflared)");

    public static readonly TroubleshootingRow EgressDenied = new(
        "upstream not allowed", "the upstream resolves outside the allowed ranges (public, loopback, or a non-RFC1918 Service CIDR)",
        "Run the upstream as a Compose service on the proxy's network, or add the narrowest CIDR to upstream.allowed_ips (it replaces the defaults; avoid 0.0.0.0/0 outside local testing)");

    public static readonly TroubleshootingRow PlainHttp = new(
        "plain HTTP to the proxy", "the listener is plaintext WebSocket with TLS inside; plain HTTP or TLS straight to it cannot work",
        "Do not curl the proxy directly; verify through a Managed Agent, the Messages API, mcptunnel edge or mcptunnel doctor");

    public static readonly TroubleshootingRow UnknownCa = new(
        "unknown certificate authority", "the proxy's certificate is not signed by the CA registered on this tunnel (tls handshake failed: unknown certificate authority)",
        "Register (re-upload) data/ca.crt in the Console, or re-issue tls.crt from the registered CA: mcptunnel certs server");

    public static readonly TroubleshootingRow BadCertificate = new(
        "bad certificate", "the server certificate's SAN does not match *.<tunnel-domain>, or it expired (tls handshake failed: bad certificate)",
        "Re-issue the certificate for the tunnel domain: mcptunnel certs server --domain <tunnel-domain> --force (or certs renew when only expired)");

    public static readonly TroubleshootingRow HostProcess = new(
        "upstream not listening", "the upstream is not listening where the route points (down, wrong port, or a host process rootless Docker cannot reach)",
        "Start the MCP server, check the route's host:port, and run it as a Compose service on the proxy's network");

    public static readonly TroubleshootingRow NotRegistered = new(
        "nothing answers", "nothing answers on the proxy's listen address (proxy not running, exited, or doctor is outside the stack's network)",
        "Start the stack (docker compose up -d), read docker compose logs mcp-proxy for why it exited, and run doctor inside the proxy's network namespace (or pass --proxy ws://HOST:PORT)");

    /// <summary>MCP SDKs guard against DNS rebinding by refusing Host names they do not know.</summary>
    public static readonly TroubleshootingRow HostRefused = new(
        "Host refused", "the upstream refuses the tunnel's Host (echo.<tunnel-domain>): a DNS-rebinding guard or allowed-hosts list (403/421 Invalid Host, 400 host filtering)",
        "Send the upstream its own name: upstream.host_header: { <route>: upstream } (or a literal it accepts), then reload the proxy (docker compose kill -s HUP mcp-proxy); or add the public name to the server's allowed hosts (TypeScript SDK createMcpExpressApp({ allowedHosts }), Python SDK transport_security allowed_hosts, ASP.NET Core AllowedHosts)");

    public static readonly TroubleshootingRow ConfigNotReloaded = new(
        "config not reloaded", "the running proxy uses another config than this file (edited and not reloaded, or the reload failed)",
        "mcptunnel check CONFIG, then docker compose kill -s HUP mcp-proxy (no restart: tunnels and streams stay up; a failed reload logs each error as 'config reload error'); in Kubernetes: helm upgrade, or gateway.reload.watch=true to pick up ConfigMap edits by itself");
}

/// <param name="Name">The row's name in the README's troubleshooting table (its first column).</param>
internal sealed record TroubleshootingRow(string Name, string Cause, string Fix)
{
    public string Describe() => $"troubleshooting \"{Name}\": {Cause}";
}
