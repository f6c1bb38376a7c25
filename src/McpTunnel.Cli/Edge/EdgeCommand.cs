using McpTunnel.Common.Net;
using System.CommandLine;
using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace McpTunnel.Cli.Edge;

/// <summary><c>mcptunnel edge</c>: serve the local stand-in for the tunnel edge until Ctrl+C.</summary>
internal static class EdgeCommand
{
    public static Command Create()
    {
        var listen = new Option<string>("--listen") { Description = "Plain-HTTP address for MCP clients", DefaultValueFactory = _ => "127.0.0.1:8443" };
        var proxy = new Option<string>("--proxy") { Description = "The proxy's WebSocket listener (what cloudflared would target)", DefaultValueFactory = _ => "ws://127.0.0.1:8080" };
        var ca = new Option<string>("--ca") { Description = "CA certificate registered on the tunnel (PEM); the only trust anchor for the inner TLS", Required = true };
        var domain = new Option<string>("--tunnel-domain") { Description = "The tunnel's domain; requests go to <route>.<domain>", Required = true };
        var route = new Option<string?>("--route") { Description = "Send every request to this route (for clients that cannot set Host)" };
        var allowedHost = new Option<string[]>("--allowed-host") { Description = "Also serve this Host (and browser Origin), as host or host:port; by default only the edge's own address is served (DNS-rebinding guard) (repeatable)" };
        var command = new Command("edge", "Local stand-in for the tunnel edge: forwards plain HTTP from MCP clients through WebSocket + inner TLS to mcp-proxy.")
        {
            listen, proxy, ca, domain, route, allowedHost,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!ListenAddress.TryParse(parse.GetValue(listen)!, out var address, out var problem))
            {
                await Console.Error.WriteLineAsync($"mcptunnel edge: --listen: {problem}; use host:port, e.g. 127.0.0.1:8443 ([::1]:8443 for IPv6, :8443 for every interface)");
                return 2;
            }

            var endpoint = address!.ToEndPoint();

            if (!Uri.TryCreate(parse.GetValue(proxy), UriKind.Absolute, out var proxyUri) || proxyUri.Scheme is not ("ws" or "wss"))
            {
                await Console.Error.WriteLineAsync($"mcptunnel edge: --proxy \"{parse.GetValue(proxy)}\" is not a ws://HOST:PORT address (the proxy's listen_addr)");
                return 2;
            }

            X509Certificate2Collection cas = [];
            try
            {
                cas.ImportFromPemFile(parse.GetValue(ca)!);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                await Console.Error.WriteLineAsync($"mcptunnel edge: --ca: {ex.Message}");
                return 2;
            }

            if (cas.Count == 0)
            {
                await Console.Error.WriteLineAsync("mcptunnel edge: --ca holds no PEM certificate");
                return 2;
            }

            using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
            await using var edge = await EdgeServer.StartAsync(
                new EdgeServerOptions(endpoint, proxyUri, cas, parse.GetValue(domain)!.Trim().TrimEnd('.').ToLowerInvariant(), parse.GetValue(route)) { AllowedHosts = parse.GetValue(allowedHost) ?? [] },
                loggerFactory,
                cancellationToken);
            Console.WriteLine($"edge listening on {edge.BaseUri} -> {parse.GetValue(proxy)} (inner TLS trusting {parse.GetValue(ca)} only)");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }

            return 0;
        });
        return command;
    }
}
