namespace McpTunnel.Setup;

internal static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("setup: not implemented yet");
        return args.Length == 0 ? 2 : 2;
    }
}
