using System.Text.Json;
using System.Threading.Channels;
using McpTunnel.Testing;

namespace McpTunnel.Proxy.Tests.Infrastructure;

/// <summary>
/// A real Kestrel upstream on 127.0.0.1:0 with endpoints the proxy tests need:
/// <c>/echo</c> (what arrived, as JSON), <c>/raw</c> (the request body's bytes, returned as they came), <c>/sse</c> (events released one by one by the test),
/// <c>/bytes/{n}</c> (n bytes), <c>/upload</c> (counts the body), <c>/abort</c> (dies mid-stream), <c>/slow</c>.
/// </summary>
internal sealed class TestUpstream : IAsyncDisposable
{
    private LoopbackServer _server = null!;

    private TestUpstream()
    {
    }

    public Uri BaseUri => _server.BaseUri;

    public int Port => BaseUri.Port;

    /// <summary>Each write releases one SSE event on every open <c>/sse</c> stream.</summary>
    public Channel<string> SseEvents { get; } = Channel.CreateUnbounded<string>();

    /// <summary>
    /// Releases three events on the <c>/sse</c> stream <paramref name="response"/> carries, each only after the one
    /// before was read through the proxy (so only a proxy that streams passes), then ends the stream; asserts every
    /// event and the end.
    /// </summary>
    public async Task AssertSseEventsArriveOneByOneAsync(HttpResponseMessage response)
    {
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        for (var i = 1; i <= 3; i++)
        {
            await SseEvents.Writer.WriteAsync($"event-{i}");
            Assert.Equal($"data: event-{i}", await reader.ReadLineAsync(timeout.Token));
            Assert.Equal("", await reader.ReadLineAsync(timeout.Token));
        }

        await SseEvents.Writer.WriteAsync("END");
        Assert.Null(await reader.ReadLineAsync(timeout.Token));
    }

    /// <summary>Completed when <c>/slow</c> may answer.</summary>
    public TaskCompletionSource SlowRelease { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource SlowStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private int _uploadsCompleted;

    /// <summary><c>/upload</c> requests whose body arrived whole (a request cut on the way must never count).</summary>
    public int UploadsCompleted => Volatile.Read(ref _uploadsCompleted);

    public static async Task<TestUpstream> StartAsync()
    {
        var upstream = new TestUpstream();
        upstream._server = await LoopbackServer.StartAsync(
            app =>
            {
                app.Map("/echo/{**rest}", upstream.EchoAsync);
                app.Map("/echo", upstream.EchoAsync);
                app.MapPost("/raw", RawAsync);
                app.MapGet("/sse", upstream.SseAsync);
                app.MapGet("/bytes/{count:long}", BytesAsync);
                app.MapPost("/upload", upstream.UploadAsync);
                app.MapPost("/upload-then-wait", upstream.UploadThenWaitAsync);
                app.MapGet("/abort", upstream.AbortAsync);
                app.MapGet("/slow", upstream.SlowAsync);
                app.MapGet("/redirect", (HttpContext c) => Results.Redirect("/echo"));
            },
            builder => builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null));
        return upstream;
    }

    public async ValueTask DisposeAsync()
    {
        SseEvents.Writer.TryComplete();
        SlowRelease.TrySetResult();
        AbortRelease.TrySetResult();
        await _server.DisposeAsync();
    }

    /// <summary>How many requests reached <c>/echo</c> (a refused request must never get here).</summary>
    public int EchoRequests => Volatile.Read(ref _echoRequests);

    private int _echoRequests;

    private async Task EchoAsync(HttpContext context)
    {
        Interlocked.Increment(ref _echoRequests);
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var echo = new EchoResponse(
            context.Request.Method,
            context.Request.Path + context.Request.QueryString,
            context.Request.Protocol,
            context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
            body);
        context.Response.Headers["X-Upstream"] = "test";
        await context.Response.WriteAsJsonAsync(echo);
    }

    private static async Task RawAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        context.Response.ContentType = "application/octet-stream";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body.ToArray(), context.RequestAborted);
    }

    private async Task SseAsync(HttpContext context)
    {
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        await context.Response.Body.FlushAsync();
        await foreach (var data in SseEvents.Reader.ReadAllAsync(context.RequestAborted))
        {
            if (data == "END")
            {
                return;
            }

            await context.Response.WriteAsync($"data: {data}\n\n");
            await context.Response.Body.FlushAsync();
        }
    }

    private static async Task BytesAsync(HttpContext context, long count)
    {
        context.Response.ContentType = "application/octet-stream";
        context.Response.ContentLength = count;
        var chunk = new byte[64 * 1024];
        for (var i = 0; i < chunk.Length; i++)
        {
            chunk[i] = (byte)(i % 251);
        }

        var remaining = count;
        while (remaining > 0)
        {
            var n = (int)Math.Min(chunk.Length, remaining);
            await context.Response.Body.WriteAsync(chunk.AsMemory(0, n), context.RequestAborted);
            remaining -= n;
        }
    }

    private async Task UploadAsync(HttpContext context)
    {
        var buffer = new byte[64 * 1024];
        long total = 0;
        long checksum = 0;
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            total += read;
            UploadProgress.Writer.TryWrite(total);
            for (var i = 0; i < read; i++)
            {
                checksum += buffer[i];
            }
        }

        Interlocked.Increment(ref _uploadsCompleted);
        await context.Response.WriteAsJsonAsync(new { total, checksum });
    }

    /// <summary>Running byte totals of <c>/upload</c> bodies as they arrive (an upload in progress is visible to the test).</summary>
    public Channel<long> UploadProgress { get; } = Channel.CreateUnbounded<long>();

    /// <summary>Completed when <c>/upload-then-wait</c> has read its whole body; it then answers after <see cref="SlowRelease"/>.</summary>
    public TaskCompletionSource BodyRead { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task UploadThenWaitAsync(HttpContext context)
    {
        await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
        BodyRead.TrySetResult();
        await SlowRelease.Task.WaitAsync(context.RequestAborted);
        await context.Response.WriteAsync("answered");
    }

    /// <summary>Completed by the test once it has the response headers; then <c>/abort</c> dies mid-body.</summary>
    public TaskCompletionSource AbortRelease { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task AbortAsync(HttpContext context)
    {
        context.Response.ContentLength = 1_000_000;
        await context.Response.Body.WriteAsync(new byte[1000]);
        await context.Response.Body.FlushAsync();
        await AbortRelease.Task;
        context.Abort();
    }

    private async Task SlowAsync(HttpContext context)
    {
        SlowStarted.TrySetResult();
        await SlowRelease.Task;
        await context.Response.WriteAsync("slow done");
    }
}

internal sealed record EchoResponse(string Method, string PathAndQuery, string Protocol, Dictionary<string, string> Headers, string Body)
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static EchoResponse Parse(string json) => JsonSerializer.Deserialize<EchoResponse>(json, Options)!;
}
