using System.Buffers;
using McpTunnel.Proxy.Policy;

namespace McpTunnel.Proxy.Forwarding;

/// <summary>
/// Copies a response that a <see cref="ResponseBodyFilter"/> may rewrite: a JSON body is held whole (bounded) and sent
/// with its new length; an SSE body is passed event by event, each event held only until its blank line, so other
/// events (progress, server requests) still arrive as they happen. Past the bound the response fails closed: a JSON
/// body gets a 502 instead, an SSE stream is cut; an unfiltered list never reaches the client.
/// </summary>
internal static class FilteredResponseCopier
{
    public static bool Applies(string? contentType) => IsJson(contentType) || IsEventStream(contentType);

    public static async Task<ForwardResult> CopyAsync(HttpResponseMessage response, HttpContext context, ResponseBodyFilter filter, CancellationToken aborted, ForwardedBytes? bytes = null)
    {
        Stream source;
        try
        {
            source = await response.Content.ReadAsStreamAsync(aborted);
        }
        catch (Exception ex)
        {
            return new ForwardResult(aborted.IsCancellationRequested ? ForwarderError.ClientAborted : ForwarderError.UpstreamResponseAborted, ex);
        }

        await using (source)
        {
            context.Response.ContentLength = null; // the rewritten body has another length
            return IsJson(context.Response.ContentType)
                ? await CopyJsonAsync(source, context, filter, bytes, aborted)
                : await CopyEventStreamAsync(source, context, filter, bytes, aborted);
        }
    }

    private static async Task<ForwardResult> CopyJsonAsync(Stream source, HttpContext context, ResponseBodyFilter filter, ForwardedBytes? bytes, CancellationToken aborted)
    {
        var body = new ArrayBufferWriter<byte>(16 * 1024);
        try
        {
            while (true)
            {
                var read = await source.ReadAsync(body.GetMemory(16 * 1024), aborted);
                if (read == 0)
                {
                    break;
                }

                body.Advance(read);
                if (body.WrittenCount > filter.MaxBytes)
                {
                    return new ForwardResult(ForwarderError.UpstreamInvalidResponse, new InvalidDataException($"a list response over the policy's max_list_response_size ({filter.MaxBytes} bytes) cannot be filtered"));
                }
            }
        }
        catch (Exception ex)
        {
            return new ForwardResult(aborted.IsCancellationRequested ? ForwarderError.ClientAborted : ForwarderError.UpstreamResponseAborted, ex);
        }

        var output = filter.Rewrite(body.WrittenSpan) ?? body.WrittenSpan.ToArray();
        context.Response.ContentLength = output.Length;
        try
        {
            await context.Response.Body.WriteAsync(output, aborted);
            bytes?.AddResponse(output.Length);
            return ForwardResult.Success;
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
        {
            return new ForwardResult(ForwarderError.ClientAborted, ex);
        }
    }

    private static async Task<ForwardResult> CopyEventStreamAsync(Stream source, HttpContext context, ResponseBodyFilter filter, ForwardedBytes? bytes, CancellationToken aborted)
    {
        var writer = context.Response.BodyWriter;
        var pending = new ArrayBufferWriter<byte>(16 * 1024);
        try
        {
            await context.Response.StartAsync(aborted);
            await writer.FlushAsync(aborted); // the stream opens at once, as unfiltered SSE does
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
        {
            return new ForwardResult(ForwarderError.ClientAborted, ex);
        }

        while (true)
        {
            int read;
            try
            {
                read = await source.ReadAsync(pending.GetMemory(16 * 1024), aborted);
            }
            catch (Exception ex)
            {
                return new ForwardResult(aborted.IsCancellationRequested ? ForwarderError.ClientAborted : ForwarderError.UpstreamResponseAborted, ex);
            }

            if (read == 0)
            {
                // A last event without its blank line is passed as it came (the client drops it the same way either way).
                return await WriteAsync(writer, pending.WrittenMemory, bytes, aborted) ?? ForwardResult.Success;
            }

            pending.Advance(read);
            var consumed = 0;
            while (ServerSentEvents.FindEventEnd(pending.WrittenSpan[consumed..]) is var end and > 0)
            {
                var rewritten = ServerSentEvents.Rewrite(pending.WrittenSpan.Slice(consumed, end), filter);
                var failed = rewritten is null
                    ? await WriteAsync(writer, pending.WrittenMemory.Slice(consumed, end), bytes, aborted)
                    : await WriteAsync(writer, rewritten, bytes, aborted);
                if (failed is not null)
                {
                    return failed.Value;
                }

                consumed += end;
            }

            if (pending.WrittenCount - consumed > filter.MaxBytes)
            {
                return new ForwardResult(ForwarderError.UpstreamResponseAborted, new InvalidDataException($"an event over the policy's max_list_response_size ({filter.MaxBytes} bytes) cannot be filtered"));
            }

            if (consumed > 0)
            {
                var rest = pending.WrittenSpan[consumed..].ToArray();
                pending.Clear();
                pending.Write(rest);
            }
        }
    }

    private static async ValueTask<ForwardResult?> WriteAsync(System.IO.Pipelines.PipeWriter writer, ReadOnlyMemory<byte> data, ForwardedBytes? bytes, CancellationToken aborted)
    {
        if (data.IsEmpty)
        {
            return null;
        }

        try
        {
            bytes?.AddResponse(data.Length);
            var flush = await writer.WriteAsync(data, aborted);
            return flush.IsCompleted || flush.IsCanceled ? new ForwardResult(ForwarderError.ClientAborted) : null;
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
        {
            return new ForwardResult(ForwarderError.ClientAborted, ex);
        }
    }

    private static bool IsJson(string? contentType) => contentType is not null && contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase);

    private static bool IsEventStream(string? contentType) => contentType is not null && contentType.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase);
}
