using System.Collections.Concurrent;
using McpTunnel.Testing;

namespace McpTunnel.Proxy.Tests.Infrastructure;

/// <summary>
/// An OTLP/HTTP receiver on loopback for one signal (<c>/v1/traces</c> or <c>/v1/logs</c>): keeps the bodies posted to
/// it. OTLP protobuf carries strings and ids as raw bytes, so tests search <see cref="Bytes"/> for what must (and must
/// never) have been exported. <see cref="ExporterEnvironment"/> points a proxy's exporter at it.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    public const string Traces = "/v1/traces";
    public const string Logs = "/v1/logs";

    private readonly ConcurrentQueue<byte[]> _bodies = new();
    private LoopbackServer _server = null!;

    private OtlpReceiver()
    {
    }

    /// <summary>The <c>OTEL_*</c> variables that send a proxy's OTLP export here, over HTTP/protobuf.</summary>
    public IReadOnlyDictionary<string, string?> ExporterEnvironment => new Dictionary<string, string?>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = _server.BaseUri.ToString().TrimEnd('/'),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
    };

    public static async Task<OtlpReceiver> StartAsync(string signalPath)
    {
        var receiver = new OtlpReceiver();
        receiver._server = await LoopbackServer.StartAsync(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            if (context.Request.Path == signalPath)
            {
                receiver._bodies.Enqueue(body.ToArray());
            }

            context.Response.ContentType = "application/x-protobuf";
        });
        return receiver;
    }

    /// <summary>Everything received so far, the bodies one after another.</summary>
    public byte[] Bytes() => [.. _bodies.SelectMany(b => b)];

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
