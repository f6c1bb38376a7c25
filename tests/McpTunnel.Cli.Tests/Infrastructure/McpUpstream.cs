using McpTunnel.Testing;

namespace McpTunnel.Cli.Tests.Infrastructure;

/// <summary>
/// A tiny MCP-shaped upstream on 127.0.0.1:0: <c>POST /mcp</c> answers an <c>initialize</c> with a JSON-RPC
/// result (as JSON, or as one SSE event when <see cref="UseSse"/>), and counts the requests it received.
/// </summary>
internal sealed class McpUpstream : IAsyncDisposable
{
    private LoopbackServer _server = null!;
    private int _requests;

    private McpUpstream()
    {
    }

    public int Port => _server.Port;

    public int Requests => Volatile.Read(ref _requests);

    public bool UseSse { get; init; }

    /// <summary>Hold every request until disposal: an upstream that accepts but never answers.</summary>
    public bool Hang { get; init; }

    private TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<McpUpstream> StartAsync(bool useSse = false, bool hang = false)
    {
        var upstream = new McpUpstream { UseSse = useSse, Hang = hang };
        upstream._server = await LoopbackServer.StartAsync(app => app.MapPost("/mcp", upstream.HandleAsync));
        return upstream;
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        if (Hang)
        {
            await Release.Task.WaitAsync(context.RequestAborted);
            return;
        }

        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        if (!body.Contains("\"initialize\"", StringComparison.Ordinal))
        {
            context.Response.StatusCode = 400;
            return;
        }

        const string result = """{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-06-18","capabilities":{"tools":{}},"serverInfo":{"name":"test-mcp","version":"1"}}}""";
        if (UseSse)
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync($"event: message\ndata: {result}\n\n");
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(result);
    }

    public async ValueTask DisposeAsync()
    {
        Release.TrySetResult();
        await _server.DisposeAsync();
    }
}
