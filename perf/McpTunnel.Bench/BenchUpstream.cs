using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace McpTunnel.Bench;

/// <summary>
/// The upstream every target ends at (plain HTTP/1.1 on loopback), so the targets differ only in the path to it:
/// <c>POST /mcp</c> answers a fixed small JSON-RPC result; <c>GET /sse?events=N&amp;interval=MS</c> streams events
/// carrying the <see cref="Stopwatch"/> timestamp taken just before each write (same clock as the client: same process),
/// and with <c>&amp;hold=1</c> then keeps the response open without writing until the client goes away (an idle MCP GET
/// stream); <c>GET /bulk?mib=N</c> streams N MiB.
/// </summary>
internal sealed class BenchUpstream : IAsyncDisposable
{
    public static readonly byte[] ToolsCallResult = Encoding.UTF8.GetBytes(
        """{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"Hello, bench!"}],"isError":false}}""");

    private static readonly byte[] BulkChunk = new byte[64 * 1024];

    private readonly WebApplication _app;

    private BenchUpstream(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public static async Task<BenchUpstream> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxConcurrentConnections = null;
            k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http1);
        });
        var app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new BenchUpstream(app, new Uri(address).Port);
    }

    private static async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (path == "/mcp")
        {
            // Drain the request body as a real MCP server would parse it.
            while (true)
            {
                var read = await context.Request.BodyReader.ReadAsync(context.RequestAborted);
                context.Request.BodyReader.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted)
                {
                    break;
                }
            }

            context.Response.ContentType = "application/json";
            context.Response.ContentLength = ToolsCallResult.Length;
            await context.Response.Body.WriteAsync(ToolsCallResult, context.RequestAborted);
        }
        else if (path == "/sse")
        {
            var events = QueryInt(context, "events", 100);
            var interval = QueryInt(context, "interval", 10);
            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            await context.Response.StartAsync(context.RequestAborted);
            for (var i = 0; i < events; i++)
            {
                await Task.Delay(interval, context.RequestAborted);
                var line = $"data: {Stopwatch.GetTimestamp().ToString(CultureInfo.InvariantCulture)}\n\n";
                await context.Response.WriteAsync(line, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }

            if (QueryInt(context, "hold", 0) == 1)
            {
                // An MCP server's GET stream mostly waits for something to tell the client; this one never has anything.
                try
                {
                    await Task.Delay(Timeout.Infinite, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    // the client (or the proxy on its behalf) closed the stream: the normal end of an idle stream
                }
            }
        }
        else if (path == "/bulk")
        {
            var total = (long)QueryInt(context, "mib", 50) * 1024 * 1024;
            context.Response.ContentType = "application/octet-stream";
            context.Response.ContentLength = total;
            for (long sent = 0; sent < total; sent += BulkChunk.Length)
            {
                await context.Response.Body.WriteAsync(BulkChunk.AsMemory(0, (int)Math.Min(BulkChunk.Length, total - sent)), context.RequestAborted);
            }
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
        }
    }

    private static int QueryInt(HttpContext context, string name, int fallback) =>
        int.TryParse(context.Request.Query[name], NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
