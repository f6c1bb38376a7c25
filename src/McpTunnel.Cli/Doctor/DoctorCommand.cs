using System.CommandLine;
using McpTunnel.Cli.Check;
using McpTunnel.Cli.Terminal;
using McpTunnel.Cli.Top;
using McpTunnel.CommandLine;

namespace McpTunnel.Cli.Doctor;

/// <summary><c>mcptunnel doctor --config CONFIG --ca ca.crt [--proxy ws://127.0.0.1:8080] [--admin http://127.0.0.1:9090] [--oauth https://mcp.&lt;domain&gt;/mcp]</c>.</summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config")
        {
            Description = "The proxy's config file (default: /etc/mcp-proxy/config.yaml, else the image default /etc/mcp-gateway/config.yaml)",
            DefaultValueFactory = _ => File.Exists("/etc/mcp-proxy/config.yaml") || !File.Exists("/etc/mcp-gateway/config.yaml") ? "/etc/mcp-proxy/config.yaml" : "/etc/mcp-gateway/config.yaml",
        };
        var ca = new Option<string>("--ca") { Description = "The CA certificate registered on the tunnel", DefaultValueFactory = _ => "/data/ca.crt" };
        var proxy = new Option<string?>("--proxy") { Description = "The proxy's WebSocket address (default ws://127.0.0.1:<listen_addr port>/)" };
        var path = new Option<string>("--path") { Description = "The upstreams' MCP path", DefaultValueFactory = _ => "/mcp" };
        var domain = new Option<string?>("--domain") { Description = "The tunnel's domain from the Console (default: $TUNNEL_DOMAIN); compared with tunnel_domain" };
        var host = new Option<string[]>("--host") { Description = "A name Claude calls, as route or full host (repeatable); catches route name typos" };
        var timeout = DurationOption.SecondsOrDuration("--timeout", "Time allowed per network step", TimeSpan.FromSeconds(10));
        var mount = new Option<string[]>("--mount") { Description = "Read a container path from the host: HOST:CONTAINER (repeatable)" };
        var admin = new Option<string?>("--admin") { Description = "The proxy's admin listener (its admin_addr), http://HOST:PORT: also check /readyz and the failure counters in /metrics" };
        var oauth = new Option<string?>("--oauth") { Description = "The MCP URL Claude is given, https://<route>.<tunnel_domain>/mcp: also check its OAuth discovery through the tunnel (401, protected-resource and authorization-server metadata)" };
        var json = JsonReport.CreateOption();
        var command = new Command("doctor", "Diagnose a running tunnel stack layer by layer (proxy, inner TLS, routes and upstreams); exit 1 on any failure")
        {
            config, ca, proxy, path, domain, host, timeout, mount, admin, oauth, json,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var io = result.InvocationConfiguration;
            var mounts = new List<PathMount>();
            foreach (var text in result.GetValue(mount) ?? [])
            {
                if (!PathMount.TryParse(text, out var parsed))
                {
                    io.Error.WriteLine($"doctor: --mount \"{text}\" is not HOST:CONTAINER with an absolute container path");
                    return 2;
                }

                mounts.Add(parsed);
            }

            Uri? proxyUri = null;
            if (result.GetValue(proxy) is { } proxyText)
            {
                if (!Uri.TryCreate(proxyText, UriKind.Absolute, out proxyUri) || proxyUri.Scheme is not ("ws" or "wss" or "http"))
                {
                    io.Error.WriteLine($"doctor: --proxy \"{proxyText}\" is not a ws://HOST:PORT address (cloudflared's --url, with ws://)");
                    return 2;
                }

                proxyUri = new UriBuilder(proxyUri) { Scheme = proxyUri.Scheme == "http" ? "ws" : proxyUri.Scheme }.Uri;
            }

            Uri? adminUri = null;
            if (result.GetValue(admin) is { } adminText && !AdminAddress.TryParse(adminText, out adminUri))
            {
                io.Error.WriteLine($"doctor: {AdminAddress.Expectation("--admin", adminText)}");
                return 2;
            }

            Uri? oauthUrl = null;
            if (result.GetValue(oauth) is { } oauthText
                && (!Uri.TryCreate(oauthText, UriKind.Absolute, out oauthUrl) || oauthUrl.Scheme != Uri.UriSchemeHttps))
            {
                io.Error.WriteLine($"doctor: --oauth \"{oauthText}\" is not an https URL; give the MCP URL Claude is given, e.g. https://mcp.<tunnel_domain>/mcp");
                return 2;
            }

            var expected = result.GetValue(domain) ?? Environment.GetEnvironmentVariable("TUNNEL_DOMAIN");
            var pathValue = result.GetValue(path)!;
            var options = new DoctorOptions(result.GetValue(config)!, result.GetValue(ca)!)
            {
                ProxyUri = proxyUri,
                Path = pathValue.StartsWith('/') ? pathValue : "/" + pathValue,
                Domain = string.IsNullOrWhiteSpace(expected) ? null : expected.Trim().TrimEnd('.').ToLowerInvariant(),
                Hosts = result.GetValue(host) ?? [],
                Timeout = timeout.Read(result),
                Mounts = mounts,
                AdminUri = adminUri,
                OAuthUrl = oauthUrl,
            };
            // The report is printed once, as it happens (a slow probe shows progress), on a terminal as in a pipe;
            // with --json nothing streams and one document follows the run.
            var asJson = result.GetValue(json);
            var runner = new DoctorRunner(options, asJson ? TextWriter.Null : io.Output, HostResolvers.System);
            var exit = await runner.RunAsync(cancellationToken);
            if (asJson)
            {
                DoctorJsonWriter.Write(io.Output, runner.LastReport!, exit);
            }

            return exit;
        });
        return command;
    }
}
