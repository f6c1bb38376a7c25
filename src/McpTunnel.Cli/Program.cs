namespace McpTunnel.Cli;

internal static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("mcptunnel: not implemented yet");
        return args.Length == 0 ? 2 : 2;
    }
}
