using System.Buffers;
using System.Net;
using McpTunnel.Proxy.Routing;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using McpTunnel.Proxy.Policy;

namespace McpTunnel.Proxy.Forwarding;

/// <summary>
/// Forwards one HTTP request to the next hop and streams the answer back. One forwarder serves the proxy's
/// upstream hop and the edge's tunnel hop (docs/ARCHITECTURE.md "Forwarding"); the <see cref="HttpMessageInvoker"/> decides
/// how the next hop is reached (egress-checked sockets, or a WebSocket tunnel).
/// <code>
///   incoming request ─(1) build message: method, prefix + the raw request-target's path and query, end-to-end
///                         headers, Host, X-Forwarded-*, the route's upstream credential
///                    ─(2) send; from the end of the request body, wait for response headers at most ResponseHeaderTimeout;
///                         a 101 is refused (nothing we send asks for an upgrade)
///                    ─(3) copy status and end-to-end headers; send them at once (SSE clients see the stream open)
///                    ─(4) stream the body, flushing after every read, until the upstream ends or either side aborts
/// </code>
/// Outcomes are returned as <see cref="ForwardResult"/> values; the caller maps them to status codes in one place.
/// </summary>
internal sealed class HttpForwarder(HttpMessageInvoker invoker, TimeProvider? time = null)
{
    private const int CopyBufferSize = 64 * 1024;

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public async Task<ForwardResult> ForwardAsync(HttpContext context, ForwardTarget target, IPAddress? forwardedFor, ResponseBodyFilter? filter = null, ForwardedBytes? bytes = null)
    {
        var clientAborted = context.RequestAborted;

        // Step 1: the outgoing request. The wait for response headers starts once its body has gone out whole, so
        // an upload may take as long as the client needs (a too-slow client is Kestrel's minimum data rate's job).
        using var deadline = new ResponseHeaderDeadline(target.ResponseHeaderTimeout, _time, clientAborted);
        using var request = CreateRequest(context, target, forwardedFor, deadline.Start, bytes, out var content);
        if (content is null)
        {
            deadline.Start();
        }

        // Step 2: send; a client abort cancels the upstream request.
        HttpResponseMessage response;
        try
        {
            response = await invoker.SendAsync(request, deadline.Token);
        }
        catch (Exception ex)
        {
            return new ForwardResult(ForwarderErrorClassifier.Classify(ex, deadline.Expired, content?.ClientFailure, clientAborted), content?.ClientFailure ?? ex);
        }

        using (response)
        {
            deadline.Stop();

            // Nothing we forward asks for an upgrade (Upgrade is hop-by-hop), so a 101 would hand the client raw
            // bytes of a protocol it never asked for.
            if (response.StatusCode == HttpStatusCode.SwitchingProtocols)
            {
                return new ForwardResult(ForwarderError.UpstreamInvalidResponse, new HttpRequestException("the upstream answered 101 Switching Protocols to a request without Upgrade"));
            }

            // Step 3: status and headers. A body of unknown length (SSE, streaming) gets them at once, so the client
            // sees the stream open; a body of known length sends them with its first chunk: one TLS record and one
            // WebSocket message for a small JSON-RPC answer instead of two.
            CopyResponseHeaders(response, context.Response);
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            if (filter is not null && FilteredResponseCopier.Applies(context.Response.ContentType))
            {
                return await FilteredResponseCopier.CopyAsync(response, context, filter, clientAborted, bytes); // a list the policy filters
            }

            var knownLength = context.Response.ContentLength is > 0;
            try
            {
                await context.Response.StartAsync(clientAborted);
                if (!knownLength)
                {
                    await context.Response.BodyWriter.FlushAsync(clientAborted); // StartAsync alone leaves the headers buffered
                }
            }
            catch (Exception ex) when (clientAborted.IsCancellationRequested || ex is IOException or OperationCanceledException)
            {
                return new ForwardResult(ForwarderError.ClientAborted, ex);
            }

            // Step 4: the body, chunk by chunk.
            return await CopyResponseBodyAsync(response, context, streaming: !knownLength, bytes, clientAborted);
        }
    }

    private static HttpRequestMessage CreateRequest(HttpContext context, ForwardTarget target, IPAddress? forwardedFor, Action bodyCompleted, ForwardedBytes? bytes, out StreamingRequestContent? content)
    {
        var incoming = context.Request;
        var request = new HttpRequestMessage(HttpMethod.Parse(incoming.Method), target.DestinationFor(RequestTarget.PathAndQuery(context)))
        {
            Version = target.Version,
            VersionPolicy = target.VersionPolicy,
        };

        content = null;
        var bodyDetection = context.Features.Get<IHttpRequestBodyDetectionFeature>();
        if (bodyDetection?.CanHaveBody ?? incoming.ContentLength > 0)
        {
            content = new StreamingRequestContent(incoming.BodyReader, bodyCompleted, context.RequestAborted, bytes);
            request.Content = content;
        }

        var connection = incoming.Headers.Connection;
        var credential = target.Credential;
        foreach (var (name, values) in incoming.Headers)
        {
            if (name.Length == 0 || name[0] == ':' || HeaderRules.IsHopByHop(name) || HeaderRules.IsNamedInConnection(name, connection)
                || string.Equals(name, HeaderNames.Host, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (credential is not null && credential.DropsCallerHeader(name))
            {
                continue; // every copy and spelling: the credential below is the only value the upstream gets
            }

            if (target.AddForwardedHeaders && HeaderRules.IsCallerForwardingHeader(name))
            {
                continue; // rewritten below: this proxy is where the forwarded facts are established
            }

            if (HeaderRules.IsContentHeader(name))
            {
                if (content is not null)
                {
                    AddHeader(content.Headers, name, values);
                }

                continue;
            }

            AddHeader(request.Headers, name, values);
        }

        var incomingHost = incoming.Host.Value ?? "";
        request.Headers.Host = target.HostHeader ?? incomingHost;
        if (target.AddForwardedHeaders)
        {
            // Replaced, never appended to: a caller's X-Forwarded-For is as forgeable as the rest (HeaderRules).
            if (forwardedFor is not null)
            {
                request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor.ToString());
            }

            request.Headers.TryAddWithoutValidation("X-Forwarded-Host", incomingHost);
            request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "https");
        }

        if (credential is not null)
        {
            // Read once: a re-read of the file swaps the whole value, so this request carries the old one or the new one.
            request.Headers.TryAddWithoutValidation(credential.HeaderName, credential.Value.Reveal());
        }

        return request;
    }

    private static void AddHeader(System.Net.Http.Headers.HttpHeaders headers, string name, StringValues values)
    {
        if (values.Count == 1)
        {
            headers.TryAddWithoutValidation(name, values[0]);
        }
        else
        {
            headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }
    }

    private static void CopyResponseHeaders(HttpResponseMessage source, HttpResponse destination)
    {
        destination.StatusCode = (int)source.StatusCode;
        var connection = source.Headers.TryGetValues(HeaderNames.Connection, out var c) ? new StringValues([.. c]) : StringValues.Empty;
        foreach (var (name, values) in source.Headers.NonValidated)
        {
            if (!HeaderRules.IsHopByHop(name) && !HeaderRules.IsNamedInConnection(name, connection))
            {
                destination.Headers[name] = ToStringValues(values);
            }
        }

        // RFC 9112 section 6.3: a message with Transfer-Encoding is framed by it, whatever Content-Length says; the
        // body we relay is the decoded chunked one, so its Content-Length would describe bytes that never come.
        var chunked = source.Headers.TransferEncodingChunked == true || source.Headers.NonValidated.Contains(HeaderNames.TransferEncoding);
        foreach (var (name, values) in source.Content.Headers.NonValidated)
        {
            if (chunked && string.Equals(name, HeaderNames.ContentLength, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            destination.Headers[name] = ToStringValues(values);
        }
    }

    private static StringValues ToStringValues(System.Net.Http.Headers.HeaderStringValues values)
    {
        if (values.Count == 1)
        {
            return new StringValues(values.ToString());
        }

        var array = new string[values.Count];
        var i = 0;
        foreach (var value in values)
        {
            array[i++] = value;
        }

        return new StringValues(array);
    }

    private static async Task<ForwardResult> CopyResponseBodyAsync(HttpResponseMessage response, HttpContext context, bool streaming, ForwardedBytes? bytes, CancellationToken clientAborted)
    {
        Stream source;
        try
        {
            source = await response.Content.ReadAsStreamAsync(clientAborted);
        }
        catch (Exception ex)
        {
            return new ForwardResult(clientAborted.IsCancellationRequested ? ForwarderError.ClientAborted : ForwarderError.UpstreamResponseAborted, ex);
        }

        byte[]? buffer = null;
        try
        {
            var body = context.Response.BodyWriter;
            while (true)
            {
                int read;
                try
                {
                    if (streaming)
                    {
                        // A streaming response (an MCP GET stream, SSE) mostly waits. Wait without a buffer, as YARP's
                        // copier does, so an idle stream holds no 64 KiB copy buffer; rent it only when data is there.
                        if (buffer is not null)
                        {
                            ArrayPool<byte>.Shared.Return(buffer);
                            buffer = null;
                        }

                        _ = await source.ReadAsync(Memory<byte>.Empty, clientAborted);
                    }

                    buffer ??= ArrayPool<byte>.Shared.Rent(CopyBufferSize);
                    read = await source.ReadAsync(buffer, clientAborted);
                }
                catch (Exception ex)
                {
                    return new ForwardResult(clientAborted.IsCancellationRequested ? ForwarderError.ClientAborted : ForwarderError.UpstreamResponseAborted, ex);
                }

                if (read == 0)
                {
                    return ForwardResult.Success;
                }

                bytes?.AddResponse(read);

                try
                {
                    // WriteAsync flushes: each chunk leaves as soon as it arrives (SSE event by event).
                    var flush = await body.WriteAsync(buffer.AsMemory(0, read), clientAborted);
                    if (flush.IsCompleted || flush.IsCanceled)
                    {
                        return new ForwardResult(ForwarderError.ClientAborted);
                    }
                }
                catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
                {
                    return new ForwardResult(ForwarderError.ClientAborted, ex);
                }
            }
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            await source.DisposeAsync();
        }
    }
}
