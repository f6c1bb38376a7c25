using System.CommandLine;

namespace McpTunnel.Cli.Edge;

internal static class EdgeCommand
{
    public static Command Create()
    {
        var command = new Command("edge", "(being built)");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("mcptunnel edge: not implemented yet");
            return 2;
        });
        return command;
    }
}
