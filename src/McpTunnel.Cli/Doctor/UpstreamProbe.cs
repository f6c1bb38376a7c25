using System.Net;
using System.Net.Sockets;
using McpTunnel.Cli.Check;
using McpTunnel.Cli.Terminal;
using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Egress;
using McpTunnel.Proxy.Routing;

namespace McpTunnel.Cli.Doctor;

/// <summary>
/// Layer (c), per name Claude calls: the name finds a route, the upstream resolves, an address passes the egress
/// policy (a denied address is never dialled), it accepts TCP, and the MCP server answers <c>initialize</c>
/// through the tunnel. Stops at the first failing step for that name.
/// </summary>
internal sealed class UpstreamProbe(ProxyConfig config, DoctorOptions options, HostResolver resolver, McpInitializeProbe initialize, IReadOnlySet<string>? authorizationServers = null)
{
    private const DoctorLayer Layer = DoctorLayer.Upstream;
    private readonly RouteTable _routes = new(config.Routes, config.TunnelDomain);
    private readonly EgressPolicy _egress = new(config.Upstream);

    public async Task RunAsync(string host, DoctorReport report, CancellationToken cancellationToken)
    {
        // Step 1: routing, with the proxy's own table (exact hostname, then the subdomain).
        var match = _routes.Match(host);
        if (match.Route is not { } route)
        {
            report.Add(DoctorCheck.Fail(Layer, host, "route", $"no route for host: {WhyNoRoute(host)}", Troubleshooting.NoRoute));
            return;
        }

        report.Add(DoctorCheck.Pass(Layer, host, "route", $"{(match.Kind == RouteMatchKind.Exact ? "exact" : "subdomain")} match → {route.Key} → {route.Upstream}"));

        // Step 2: resolution.
        IPAddress[] addresses;
        try
        {
            addresses = await resolver(route.Upstream.Host, cancellationToken);
        }
        catch (SocketException ex)
        {
            report.Add(DoctorCheck.Fail(Layer, host, "resolve", $"{route.Upstream.Host} does not resolve here: {ex.Message}", Troubleshooting.HostProcess, "Run doctor inside the stack (docker compose exec) so Compose service names resolve; check the service name in routes"));
            return;
        }

        var resolved = IPAddress.TryParse(route.Upstream.Host, out _) ? "an IP literal, no DNS" : $"→ {string.Join(", ", addresses.Select(a => a.ToString()))}";
        report.Add(DoctorCheck.Pass(Layer, host, "resolve", $"{route.Upstream.Host} {resolved}"));

        // Step 3: egress, exactly as the proxy's connect callback decides; a denied address is never dialled.
        var verdicts = addresses.Select(_egress.Evaluate).ToList();
        if (verdicts.FirstOrDefault(v => v.Allowed) is not { } allowed)
        {
            var denied = verdicts.FirstOrDefault(v => v.Address.AddressFamily == AddressFamily.InterNetwork) ?? verdicts[0];
            report.Add(DoctorCheck.Fail(Layer, host, "egress", $"IP validation failed: {denied.Address} is not a private address ({denied.Reason}); not dialled", Troubleshooting.EgressDenied));
            return;
        }

        report.Add(DoctorCheck.Pass(Layer, host, "egress", $"{allowed.Address} allowed ({allowed.Reason})"));

        // Step 4: TCP reachability of the address the proxy would dial.
        var endPoint = new IPEndPoint(allowed.Address, route.Upstream.Port);
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(options.Timeout);
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(endPoint, cts.Token);
            report.Add(DoctorCheck.Pass(Layer, host, "tcp", $"{endPoint} accepts connections"));
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            var why = ex is SocketException { SocketErrorCode: SocketError.ConnectionRefused } ? "connection refused" : ex is OperationCanceledException ? "timed out" : ex.Message;
            report.Add(DoctorCheck.Fail(Layer, host, "tcp", $"dial tcp {endPoint}: {why} (the upstream is down or not on this port)", Troubleshooting.HostProcess));
            return;
        }

        // Step 5: the MCP server answers initialize, through the whole tunnel. A route that carries the authorization
        // server of --oauth's MCP URL is no MCP endpoint; layer [oauth] checks what it serves instead.
        if (authorizationServers?.Contains(host) == true)
        {
            report.Add(new DoctorCheck(Layer, host, "mcp initialize", DoctorStatus.Skip, "not an MCP endpoint: the authorization server --oauth's resource metadata names (checked in [oauth])"));
            return;
        }

        report.Add(await initialize.RunAsync(host, route, cancellationToken));
    }

    private string WhyNoRoute(string host)
    {
        var configured = string.Join(", ", _routes.Routes.Select(r => _routes.PublicHostName(r)));
        if (options.Domain is { } expected && !string.Equals(expected, config.TunnelDomain, StringComparison.OrdinalIgnoreCase))
        {
            return $"tunnel_domain is \"{config.TunnelDomain}\" but the tunnel's domain is \"{expected}\"; configured names: {configured}";
        }

        return $"no routes key matches {host}; configured names: {configured} (a route name typo?)";
    }
}
