using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpTunnel.Cli.Tests.Infrastructure;

/// <summary>
/// A tiny MCP-shaped upstream on 127.0.0.1:0: <c>POST /mcp</c> answers an <c>initialize</c> with a JSON-RPC
/// result (as JSON, or as one SSE event when <see cref="UseSse"/>), and counts the requests it received.
/// </summary>
internal sealed class McpUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private McpUpstream(WebApplication app) => _app = app;

    public int Port { get; private set; }

    public int Requests => Volatile.Read(ref _requests);

    public bool UseSse { get; init; }

    /// <summary>Hold every request until disposal: an upstream that accepts but never answers.</summary>
    public bool Hang { get; init; }

    private TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<McpUpstream> StartAsync(bool useSse = false, bool hang = false)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddRouting();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var upstream = new McpUpstream(app) { UseSse = useSse, Hang = hang };
        app.UseRouting();
        app.MapPost("/mcp", upstream.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        upstream.Port = new Uri(address).Port;
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
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
