using McpTunnel.Proxy.Hosting;

namespace McpTunnel.Proxy;

internal static class Program
{
    public static Task<int> Main(string[] args) => ProxyProgram.RunAsync(args, Console.Out, Console.Error);
}
