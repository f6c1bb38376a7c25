using System.CommandLine;
using McpTunnel.Cli.Audit;
using McpTunnel.Cli.Certs;
using McpTunnel.Cli.Check;
using McpTunnel.Cli.Demo;
using McpTunnel.Cli.Doctor;
using McpTunnel.Cli.Edge;
using McpTunnel.Cli.Hello;
using McpTunnel.Cli.Quickstart;
using McpTunnel.Cli.Top;

namespace McpTunnel.Cli;

/// <summary>The <c>mcptunnel</c> command tree: one folder (and one <c>*Command</c> factory) per subcommand.</summary>
internal static class CliApp
{
    public static RootCommand CreateRootCommand()
    {
        var root = new RootCommand("mcptunnel: run, set up and diagnose an MCP tunnel (proxy, edge stand-in, sample server, certificates).")
        {
            DemoCommand.Create(),
            EdgeCommand.Create(),
            HelloCommand.Create(),
            CertsCommand.Create(),
            CheckCommand.Create(),
            QuickstartCommand.Create(),
            DoctorCommand.Create(),
            TopCommand.Create(),
            AuditCommand.Create(),
        };
        return root;
    }
}
