using System.CommandLine;
using McpTunnel.Cli.Terminal;

namespace McpTunnel.Cli.Quickstart;

/// <summary><c>mcptunnel quickstart [DIR]</c>: a ready-to-start Compose directory in one command.</summary>
internal static class QuickstartCommand
{
    public static Command Create()
    {
        var directory = new Argument<string>("DIR") { Description = "Deployment directory", DefaultValueFactory = _ => "mcp-tunnel" };
        var domain = new Option<string?>("--domain") { Description = "The tunnel's Domain from the Console, e.g. abcd1234.tunnel.anthropic.com" };
        var route = new Option<string[]>("--route") { Description = "A route as name=scheme://host:port, e.g. wiki=http://wiki-mcp:8080 (repeatable)" };
        var upstreamHost = new Option<string[]>("--upstream-host") { Description = "The Host a route's upstream receives, as name=upstream|original|host[:port]; use upstream for servers that refuse other Hosts (403 Invalid Host) (repeatable)" };
        var sample = new Option<bool>("--sample") { Description = "Add the sample server hello-mcp as route echo" };
        var yes = new Option<bool>("--yes") { Description = "Ask nothing; without --route, use the sample server" };
        var force = new Option<bool>("--force") { Description = "Replace existing files and the server certificate (the CA is always kept; an existing token line is carried over)" };
        var keyType = CommonOptions.KeyType("Server key type");
        var proxyImage = new Option<string>("--proxy-image") { Description = "Proxy image for docker-compose.yaml", DefaultValueFactory = _ => QuickstartTemplates.DefaultProxyImage };
        var command = new Command("quickstart", "Create a ready-to-start Docker Compose tunnel directory: certificates, config, compose file, .env")
        {
            directory, domain, route, upstreamHost, sample, yes, force, keyType, proxyImage,
        };
        command.SetAction(result =>
        {
            var io = result.InvocationConfiguration;
            var options = new QuickstartOptions(result.GetValue(directory)!)
            {
                Domain = result.GetValue(domain),
                Routes = result.GetValue(route) ?? [],
                UpstreamHosts = result.GetValue(upstreamHost) ?? [],
                Sample = result.GetValue(sample),
                Yes = result.GetValue(yes),
                Force = result.GetValue(force),
                KeyAlgorithm = CommonOptions.ParseKeyType(result.GetValue(keyType)!),
                ProxyImage = result.GetValue(proxyImage)!,
            };
            var environment = new QuickstartEnvironment
            {
                Interactive = CliTerminal.IsInteractive,
                RunningAsRoot = ProxyKeyAccess.RunningAsRoot,
                DockerAvailable = DockerProbe.IsOnPath,
                Prompter = CliTerminal.IsInteractive ? new SpectrePrompter() : null,
            };
            return new QuickstartRunner(options, environment, io.Output, io.Error).Run();
        });
        return command;
    }
}
