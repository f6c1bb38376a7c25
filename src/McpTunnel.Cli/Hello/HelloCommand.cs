using System.CommandLine;

namespace McpTunnel.Cli.Hello;

internal static class HelloCommand
{
    public static Command Create()
    {
        var command = new Command("hello", "(being built)");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("mcptunnel hello: not implemented yet");
            return 2;
        });
        return command;
    }
}
