namespace McpTunnel.Setup;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };
        return await SetupApp.RunAsync(args, SetupHost.FromProcess(), cancellation.Token);
    }
}
