using System.CommandLine;

namespace McpTunnel.Cli.Demo;

internal static class DemoCommand
{
    public static Command Create()
    {
        var command = new Command("demo", "(being built)");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("mcptunnel demo: not implemented yet");
            return 2;
        });
        return command;
    }
}
