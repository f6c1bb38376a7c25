using System.CommandLine;
using McpTunnel.Cli.Terminal;

namespace McpTunnel.Cli.Check;

/// <summary><c>mcptunnel check CONFIG [--explain HOST|URL] [--tunnel-domain D] [--mount HOST:CONTAINER]</c>.</summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var config = new Argument<string>("CONFIG") { Description = "Proxy config file, e.g. config/mcp-proxy.yaml" };
        var explain = new Option<string[]>("--explain") { Description = "Explain how a request to HOST or URL would be routed and what the caller gets (repeatable)" };
        var tunnelDomain = new Option<string?>("--tunnel-domain") { Description = "As the proxy's -tunnel-domain flag: overrides tunnel_domain" };
        var mount = new Option<string[]>("--mount")
        {
            Description = "Read a container path from the host, as Compose mounts it: HOST:CONTAINER (default: ./data:/data next to config/ when /data does not exist here)",
        };
        var json = JsonReport.CreateOption();
        var command = new Command("check", "Validate a proxy config with the proxy's own loader; explain routing and egress for a host") { config, explain, tunnelDomain, mount, json };
        command.SetAction(async (result, cancellationToken) =>
        {
            var io = result.InvocationConfiguration;
            List<PathMount>? mounts = null;
            foreach (var text in result.GetValue(mount) ?? [])
            {
                if (!PathMount.TryParse(text, out var parsed))
                {
                    io.Error.WriteLine($"check: --mount \"{text}\" is not HOST:CONTAINER with an absolute container path");
                    return 2;
                }

                (mounts ??= []).Add(parsed);
            }

            var options = new ConfigCheckOptions(result.GetValue(config)!)
            {
                TunnelDomain = result.GetValue(tunnelDomain),
                Explain = result.GetValue(explain) ?? [],
                Mounts = mounts,
                Json = result.GetValue(json),
            };
            return await ConfigCheckAction.RunAsync(options, io.Output, HostResolvers.System, cancellationToken);
        });
        return command;
    }
}
