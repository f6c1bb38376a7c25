using System.Net;
using System.Net.Sockets;
using McpTunnel.Cli.Terminal;
using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Egress;
using McpTunnel.Proxy.Forwarding;
using McpTunnel.Proxy.Policy;
using McpTunnel.Proxy.Routing;
using Route = McpTunnel.Proxy.Routing.Route;

namespace McpTunnel.Cli.Check;

/// <summary>
/// <c>check --explain HOST|URL</c>: walks one request through the proxy's own routing table and egress policy
/// and says what the caller would get. It only evaluates: nothing is dialled.
/// <code>
/// host ─▶ RouteTable.Match (exact, then subdomain) ─▶ [--tool/--prompt/--resource: the route's MCP policy and limits]
///      ─▶ upstream ─▶ resolve ─▶ EgressPolicy per IPv4 ─▶ outcome
/// </code>
/// </summary>
internal sealed class RouteExplainer(ProxyConfig config, HostResolver resolver, ExplainedCall? call = null)
{
    /// <summary>Returns true when the request would be forwarded.</summary>
    public async Task<bool> ExplainAsync(string target, TextWriter output, CancellationToken cancellationToken)
    {
        var (host, pathAndQuery) = Split(target);
        var table = new RouteTable(config.Routes, config.TunnelDomain);
        output.WriteLine($"explain {target}");
        output.WriteLine($"  host:     {host}{(pathAndQuery is null ? "" : $" (path {pathAndQuery} plays no part in routing)")}");

        // Step 1: routing: the exact hostname, then the subdomain under tunnel_domain.
        var match = table.Match(host);
        if (match.Route is not { } route)
        {
            output.WriteLine($"  route:    none: no routes key equals \"{StripPort(host)}\"{SubdomainWhy(host)}");
            output.WriteLine($"            configured: {string.Join(", ", table.Routes.Select(r => $"{r.Key} ({table.PublicHostName(r)})"))}");
            WriteOutcome(output, ForwarderError.NoRoute, $"no route for host host={StripPort(host)}", Troubleshooting.NoRoute);
            return false;
        }

        output.WriteLine(match.Kind == RouteMatchKind.Exact
            ? $"  route:    {route.Key} (exact match: the host equals the routes key)"
            : $"  route:    {route.Key} (subdomain match: the host ends with .{config.TunnelDomain} (tunnel_domain) and the rest, \"{route.Key}\", is a routes key)");
        output.WriteLine($"  upstream: {route.Upstream}");
        output.WriteLine($"  Host:     {DescribeHost(route, StripPort(host))}");

        // Step 1b: the route's MCP policy, when a call was given to judge.
        if (call is not null && !ExplainPolicy(route, output))
        {
            return false;
        }

        // Step 2: resolution, as the proxy's dial does.
        IPAddress[] addresses;
        try
        {
            addresses = await resolver(route.Upstream.Host, cancellationToken);
        }
        catch (SocketException ex)
        {
            output.WriteLine($"  resolved: failed: {ex.Message}");
            output.WriteLine("            (a Compose service name only resolves inside the stack: run this with docker compose exec, or use doctor there)");
            WriteOutcome(output, ForwarderError.UpstreamConnectFailed, $"upstream connect failed host={route.Upstream.Host}", Troubleshooting.HostProcess);
            return false;
        }

        var source = IPAddress.TryParse(route.Upstream.Host, out _) ? "IP literal, no DNS" : "DNS";
        output.WriteLine($"  resolved: {string.Join(", ", addresses.Select(a => a.ToString()))} ({source})");

        // Step 3: egress policy on every address; the proxy dials the first allowed IPv4 (docs/ARCHITECTURE.md "Egress policy").
        var policy = new EgressPolicy(config.Upstream);
        EgressVerdict? chosen = null;
        EgressVerdict? firstDenied = null;
        foreach (var address in addresses)
        {
            var verdict = policy.Evaluate(address);
            output.WriteLine($"  egress:   {verdict.Address} {(verdict.Allowed ? "allowed" : "denied")} ({verdict.Reason})");
            if (verdict.Allowed)
            {
                chosen ??= verdict;
            }
            else if (verdict.Address.AddressFamily == AddressFamily.InterNetwork)
            {
                firstDenied ??= verdict;
            }
        }

        if (chosen is null)
        {
            var ip = firstDenied?.Address.ToString() ?? addresses.FirstOrDefault()?.ToString() ?? route.Upstream.Host;
            WriteOutcome(output, ForwarderError.EgressDenied, $"IP validation failed: {ip} is not a private address", Troubleshooting.EgressDenied);
            return false;
        }

        output.WriteLine($"  result:   forwarded to {route.UpstreamPrefix}{pathAndQuery ?? "/..."} (the proxy dials {chosen.Address}:{route.Upstream.Port}; the path and query pass unchanged)");
        return true;
    }

    /// <summary>Judges the call against the route's policy as the proxy would; false when the proxy answers it itself.</summary>
    private bool ExplainPolicy(Route route, TextWriter output)
    {
        if (route.Policy is not { } policy)
        {
            output.WriteLine($"  policy:   none on route {route.Key}: {call!.Method} {call.Name} is forwarded untouched");
            return true;
        }

        var target = call!.Method switch
        {
            "tools/call" => PolicyTarget.Tool,
            "prompts/get" => PolicyTarget.Prompt,
            _ => PolicyTarget.Resource,
        };
        var decision = policy.Decide(new McpMessage(McpMessageKind.Request, call.Method, null, target, call.Name));
        if (decision.Reason != PolicyReason.Allowed)
        {
            output.WriteLine($"  policy:   {call.Method} {call.Name}: denied by {decision.Rule}");
            output.WriteLine(target == PolicyTarget.Tool
                ? "  result:   the caller gets 200 with a tool result isError: true (\"the tool is not available: this MCP tunnel's policy does not allow it\"); nothing reaches the upstream"
                : $"  result:   the caller gets 200 with JSON-RPC error {(target == PolicyTarget.Prompt ? -32602 : -32002)}; nothing reaches the upstream");
            output.WriteLine($"  log:      policy refused request route={route.Key} reason=Denied");
            output.WriteLine($"  fix:      if it should be exposed, change policy.{route.Key} (the rule above); then reload or restart the proxy");
            return false;
        }

        output.WriteLine($"  policy:   {call.Method} {call.Name}: allowed by {decision.Rule}");
        if (policy.Settings.Limits is { } limits)
        {
            output.WriteLine($"  limits:   every request to {route.Key}: {RoutePolicy.DescribeLimits(limits)} (per proxy process; over it: 429 with Retry-After)");
        }

        if (target == PolicyTarget.Tool && policy.Settings.ToolLimits.TryGetValue(call.Name, out var toolLimits))
        {
            output.WriteLine($"  limits:   tool {call.Name}: {RoutePolicy.DescribeLimits(toolLimits)} (per proxy process; over it: 429 with Retry-After)");
        }

        return true;
    }

    /// <summary>What the upstream sees as Host, and where that comes from (upstream.host_header or the default).</summary>
    private static string DescribeHost(Route route, string callerHost)
    {
        var setting = UpstreamHostPolicy.Effective(route.Definition);
        var sent = route.UpstreamHostHeader ?? callerHost;
        var source = route.Definition.HostHeader is null
            ? route.Upstream.IsHttps
                ? "default for an https upstream: its certificate is checked against its own name"
                : $"default: the caller's Host; a server that refuses it (403 Invalid Host) needs upstream.host_header: {{ {route.Key}: upstream }}"
            : $"upstream.host_header.{route.Key}: {setting}";
        return $"the upstream receives Host: {sent} ({source}); X-Forwarded-Host: {callerHost}";
    }

    private static void WriteOutcome(TextWriter output, ForwarderError error, string logLine, TroubleshootingRow row)
    {
        var (status, body) = ForwarderErrorMapper.Map(error);
        output.WriteLine($"  result:   the caller gets {status} \"{body}\"");
        output.WriteLine($"  log:      {logLine}");
        output.WriteLine($"  why:      {row.Describe()}");
        output.WriteLine($"  fix:      {row.Fix}");
    }

    private string SubdomainWhy(string host)
    {
        var bare = StripPort(host);
        if (config.TunnelDomain.Length == 0)
        {
            return ", and tunnel_domain is empty so no subdomain lookup happens";
        }

        return bare.EndsWith("." + config.TunnelDomain, StringComparison.OrdinalIgnoreCase)
            ? $", and \"{bare[..^(config.TunnelDomain.Length + 1)]}\" (left after stripping .{config.TunnelDomain}) is not a routes key either"
            : $", and it does not end with .{config.TunnelDomain} (tunnel_domain), so no subdomain lookup happens";
    }

    private static (string Host, string? PathAndQuery) Split(string target)
    {
        if (target.Contains("://", StringComparison.Ordinal) && Uri.TryCreate(target, UriKind.Absolute, out var uri))
        {
            return (uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}", uri.PathAndQuery);
        }

        var slash = target.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? (target, null) : (target[..slash], target[slash..]);
    }

    private static string StripPort(string host)
    {
        var colon = host.LastIndexOf(':');
        return (colon > 0 && !host.StartsWith('[') ? host[..colon] : host).TrimEnd('.');
    }
}
