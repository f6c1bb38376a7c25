namespace McpTunnel.Proxy;

internal static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("mcp-proxy: not implemented yet");
        return args.Length == 0 ? 2 : 2;
    }
}
