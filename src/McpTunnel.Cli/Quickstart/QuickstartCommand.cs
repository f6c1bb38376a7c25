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
        var proxyImage = new Option<string>("--proxy-image")
        {
            Description = $"Proxy image for docker-compose.yaml: McpTunnel's by default ({ProxyImage.McpTunnelReference}, built with deploy/docker/build-image.sh), 'anthropic' for Anthropic's published image (parity tests; lacks McpTunnel's extensions), or any image reference",
            DefaultValueFactory = _ => ProxyImage.McpTunnelReference,
        };
        var command = new Command("quickstart", "Create a ready-to-start Docker Compose tunnel directory: certificates, config, compose file, .env")
        {
            directory, domain, route, upstreamHost, sample, yes, force, keyType, proxyImage,
        };
        command.SetAction(result =>
        {
            var io = result.InvocationConfiguration;
            var image = ProxyImage.Parse(result.GetValue(proxyImage)!);
            if (image.Reference.Length == 0)
            {
                io.Error.WriteLine($"quickstart: --proxy-image is empty: give an image reference, or '{ProxyImage.AnthropicAlias}' for Anthropic's image");
                return 2;
            }

            var options = new QuickstartOptions(result.GetValue(directory)!)
            {
                Domain = result.GetValue(domain),
                Routes = result.GetValue(route) ?? [],
                UpstreamHosts = result.GetValue(upstreamHost) ?? [],
                Sample = result.GetValue(sample),
                Yes = result.GetValue(yes),
                Force = result.GetValue(force),
                KeyAlgorithm = CommonOptions.ParseKeyType(result.GetValue(keyType)!),
                ProxyImage = image,
            };
            var environment = new QuickstartEnvironment
            {
                Interactive = CliTerminal.IsInteractive,
                RunningAsRoot = ProxyKeyAccess.RunningAsRoot,
                DockerAvailable = DockerProbe.IsOnPath,
                Prompter = CliTerminal.IsInteractive ? new SpectrePrompter() : null,
                Checkout = CheckoutProbe.Find(Environment.CurrentDirectory, AppContext.BaseDirectory),
            };
            return new QuickstartRunner(options, environment, io.Output, io.Error).Run();
        });
        return command;
    }
}
