using System.CommandLine;
using McpTunnel.Cli.Terminal;

namespace McpTunnel.Cli.Check;

/// <summary><c>mcptunnel check CONFIG [--explain HOST|URL [--tool NAME|--prompt NAME|--resource URI]] [--tunnel-domain D] [--mount HOST:CONTAINER]</c>.</summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var config = new Argument<string>("CONFIG") { Description = "Proxy config file, e.g. config/mcp-proxy.yaml" };
        var explain = new Option<string[]>("--explain") { Description = "Explain how a request to HOST or URL would be routed and what the caller gets (repeatable)" };
        var tool = new Option<string?>("--tool") { Description = "With --explain: judge a tools/call of NAME against the route's MCP policy and limits" };
        var prompt = new Option<string?>("--prompt") { Description = "With --explain: judge a prompts/get of NAME against the route's MCP policy" };
        var resource = new Option<string?>("--resource") { Description = "With --explain: judge a resources/read of URI against the route's MCP policy" };
        var tunnelDomain = new Option<string?>("--tunnel-domain") { Description = "As the proxy's -tunnel-domain flag: overrides tunnel_domain" };
        var mount = new Option<string[]>("--mount")
        {
            Description = "Read a container path from the host, as Compose mounts it: HOST:CONTAINER (default: ./data:/data next to config/ when /data does not exist here)",
        };
        var json = JsonReport.CreateOption();
        var command = new Command("check", "Validate a proxy config with the proxy's own loader; explain routing and egress for a host") { config, explain, tool, prompt, resource, tunnelDomain, mount, json };
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

            var calls = new[] { ("tools/call", result.GetValue(tool)), ("prompts/get", result.GetValue(prompt)), ("resources/read", result.GetValue(resource)) }
                .Where(c => c.Item2 is not null).ToArray();
            if (calls.Length > 1 || (calls.Length == 1 && (result.GetValue(explain) ?? []).Length == 0))
            {
                io.Error.WriteLine("check: give at most one of --tool, --prompt, --resource, together with --explain URL");
                return 2;
            }

            var options = new ConfigCheckOptions(result.GetValue(config)!)
            {
                TunnelDomain = result.GetValue(tunnelDomain),
                Explain = result.GetValue(explain) ?? [],
                Call = calls.Length == 1 ? new ExplainedCall(calls[0].Item1, calls[0].Item2!) : null,
                Mounts = mounts,
                Json = result.GetValue(json),
            };
            return await ConfigCheckAction.RunAsync(options, io.Output, HostResolvers.System, cancellationToken);
        });
        return command;
    }
}
