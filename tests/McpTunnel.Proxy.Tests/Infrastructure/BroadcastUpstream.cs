using System.Collections.Concurrent;
using System.Threading.Channels;
using McpTunnel.Testing;

namespace McpTunnel.Proxy.Tests.Infrastructure;

/// <summary>
/// An upstream MCP-shaped server for load under reload: <c>POST /mcp</c> answers every JSON-RPC request with a small
/// result, and <c>GET /sse</c> opens a stream that carries each tick the test broadcasts (<c>data: tick-N</c>) and
/// ends after <see cref="EndStreams"/>. The test decides when an event is sent, so ordering needs no clock.
/// </summary>
internal sealed class BroadcastUpstream : IAsyncDisposable
{
    private static readonly byte[] Result = """{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"ok"}]}}"""u8.ToArray();

    private readonly LoopbackServer _server;
    private readonly ConcurrentDictionary<Channel<string>, bool> _streams = new();
    private readonly Lock _openLock = new();
    private int _openTarget = int.MaxValue;
    private TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private BroadcastUpstream(LoopbackServer server) => _server = server;

    public int Port => _server.Port;

    public static async Task<BroadcastUpstream> StartAsync()
    {
        BroadcastUpstream? upstream = null;
        var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapPost("/mcp", AnswerAsync);
            app.MapGet("/sse", (HttpContext c) => upstream!.StreamAsync(c));
        });
        upstream = new BroadcastUpstream(server);
        return upstream;
    }

    /// <summary>Completes once <paramref name="count"/> SSE streams are open at the upstream.</summary>
    public Task StreamsOpenAsync(int count)
    {
        lock (_openLock)
        {
            _openTarget = count;
            if (_streams.Count >= count)
            {
                _opened.TrySetResult();
            }

            return _opened.Task;
        }
    }

    /// <summary>Sends <c>data: tick-N</c> on every open stream.</summary>
    public void Tick(int n)
    {
        foreach (var stream in _streams.Keys)
        {
            stream.Writer.TryWrite($"tick-{n}");
        }
    }

    /// <summary>Sends <c>data: END</c> and ends every stream.</summary>
    public void EndStreams()
    {
        foreach (var stream in _streams.Keys)
        {
            stream.Writer.TryWrite("END");
            stream.Writer.TryComplete();
        }
    }

    public ValueTask DisposeAsync()
    {
        EndStreams();
        return _server.DisposeAsync();
    }

    private static async Task AnswerAsync(HttpContext context)
    {
        // Read the body whole, as a server does, so an upload cut by the tunnel would show as a failure.
        await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = Result.Length;
        await context.Response.Body.WriteAsync(Result, context.RequestAborted);
    }

    private async Task StreamAsync(HttpContext context)
    {
        var events = Channel.CreateUnbounded<string>();
        context.Response.ContentType = "text/event-stream";
        await context.Response.StartAsync(context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        _streams[events] = true;
        lock (_openLock)
        {
            if (_streams.Count >= _openTarget)
            {
                _opened.TrySetResult();
            }
        }

        try
        {
            await foreach (var data in events.Reader.ReadAllAsync(context.RequestAborted))
            {
                await context.Response.WriteAsync($"data: {data}\n\n", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        }
        finally
        {
            _streams.TryRemove(events, out _);
        }
    }
}
