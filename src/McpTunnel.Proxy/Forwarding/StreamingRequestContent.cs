using System.IO.Pipelines;
using System.Net;

namespace McpTunnel.Proxy.Forwarding;

/// <summary>
/// The incoming request body as outgoing content, streamed chunk by chunk with a flush after each, never
/// buffered whole (50 MiB uploads, streaming clients). Remembers why reading the client's body failed (malformed
/// chunked framing, a body slower than the minimum data rate, the client gone), so the outcome can say so, and tells
/// <paramref name="bodyCompleted"/> when the whole body has been sent: the wait for the response starts there.
/// </summary>
internal sealed class StreamingRequestContent(PipeReader source, Action bodyCompleted, CancellationToken clientAborted, ForwardedBytes? bytes = null) : HttpContent
{
    /// <summary>The exception reading the client's body failed with; null while the body is fine.</summary>
    public Exception? ClientFailure { get; private set; }

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
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                ClientFailure = ex;
                throw;
            }

            var buffer = result.Buffer;
            foreach (var segment in buffer)
            {
                await stream.WriteAsync(segment, cancellationToken);
            }

            source.AdvanceTo(buffer.End);
            bytes?.AddRequest(buffer.Length);

            if (!buffer.IsEmpty)
            {
                await stream.FlushAsync(cancellationToken);
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                bodyCompleted();
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
