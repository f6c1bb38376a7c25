using System.IO.Pipelines;
using System.Net;

namespace McpTunnel.Proxy.Forwarding;

/// <summary>
/// The incoming request body as outgoing content, streamed chunk by chunk with a flush after each, never
/// buffered whole (50 MiB uploads, streaming clients). Remembers whether a failure came from the client side.
/// </summary>
internal sealed class StreamingRequestContent(PipeReader source, CancellationToken clientAborted) : HttpContent
{
    public bool ClientFailed { get; private set; }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, clientAborted);
        while (true)
        {
            ReadResult result;
            try
            {
                result = await source.ReadAsync(linked.Token);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                ClientFailed = true;
                throw;
            }

            var buffer = result.Buffer;
            foreach (var segment in buffer)
            {
                await stream.WriteAsync(segment, cancellationToken);
            }

            source.AdvanceTo(buffer.End);
            if (!buffer.IsEmpty)
            {
                await stream.FlushAsync(cancellationToken);
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                return;
            }
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        // Unknown unless the caller set Content-Length on our headers; then HttpClient uses that value.
        length = -1;
        return false;
    }
}
