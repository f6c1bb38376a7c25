using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using McpTunnel.Proxy.Egress;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace McpTunnel.Proxy.Forwarding;

/// <summary>
/// Forwards one HTTP request to the next hop and streams the answer back. One forwarder serves the proxy's
/// upstream hop and the edge's tunnel hop (DESIGN.md "Forwarding"); the <see cref="HttpMessageInvoker"/> decides
/// how the next hop is reached (egress-checked sockets, or a WebSocket tunnel).
/// <code>
///   incoming request ─(1) build message: method, prefix + raw path/query, end-to-end headers, Host, X-Forwarded-*
///                    ─(2) send; wait for response headers at most ResponseHeaderTimeout
///                    ─(3) copy status and end-to-end headers; send them at once (SSE clients see the stream open)
///                    ─(4) stream the body, flushing after every read, until the upstream ends or either side aborts
/// </code>
/// Outcomes are returned as <see cref="ForwardResult"/> values; the caller maps them to status codes in one place.
/// </summary>
internal sealed class HttpForwarder(HttpMessageInvoker invoker)
{
    private const int CopyBufferSize = 64 * 1024;

    public async Task<ForwardResult> ForwardAsync(HttpContext context, ForwardTarget target, IPAddress? forwardedFor)
    {
        var clientAborted = context.RequestAborted;

        // Step 1: the outgoing request.
        using var request = CreateRequest(context, target, forwardedFor, out var content);

        // Step 2: send, bounded by the response-header timeout; a client abort cancels the upstream request.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(clientAborted);
        timeout.CancelAfter(target.ResponseHeaderTimeout);
        HttpResponseMessage response;
        try
        {
            response = await invoker.SendAsync(request, timeout.Token);
        }
        catch (Exception ex)
        {
            return new ForwardResult(Classify(ex, timeout.IsCancellationRequested, content?.ClientFailed == true, clientAborted), ex);
        }

        using (response)
        {
            timeout.CancelAfter(Timeout.InfiniteTimeSpan);

            // Step 3: status and headers. A body of unknown length (SSE, streaming) gets them at once, so the client
            // sees the stream open; a body of known length sends them with its first chunk: one TLS record and one
            // WebSocket message for a small JSON-RPC answer instead of two.
            CopyResponseHeaders(response, context.Response);
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            try
            {
                await context.Response.StartAsync(clientAborted);
                if (response.Content.Headers.ContentLength is null or 0)
                {
                    await context.Response.BodyWriter.FlushAsync(clientAborted); // StartAsync alone leaves the headers buffered
                }
            }
            catch (Exception ex) when (clientAborted.IsCancellationRequested || ex is IOException or OperationCanceledException)
            {
                return new ForwardResult(ForwarderError.ClientAborted, ex);
            }

            // Step 4: the body, chunk by chunk.
            return await CopyResponseBodyAsync(response, context, clientAborted);
        }
    }

    private static HttpRequestMessage CreateRequest(HttpContext context, ForwardTarget target, IPAddress? forwardedFor, out StreamingRequestContent? content)
    {
        var incoming = context.Request;
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        var pathAndQuery = rawTarget is { Length: > 0 } && rawTarget[0] == '/'
            ? rawTarget
            : incoming.PathBase.Add(incoming.Path).ToUriComponent() + incoming.QueryString.ToUriComponent();

        var request = new HttpRequestMessage(HttpMethod.Parse(incoming.Method), target.DestinationFor(pathAndQuery))
        {
            Version = target.Version,
            VersionPolicy = target.VersionPolicy,
        };

        content = null;
        var bodyDetection = context.Features.Get<IHttpRequestBodyDetectionFeature>();
        if (bodyDetection?.CanHaveBody ?? incoming.ContentLength > 0)
        {
            content = new StreamingRequestContent(incoming.BodyReader, context.RequestAborted);
            request.Content = content;
        }

        var connection = incoming.Headers.Connection;
        foreach (var (name, values) in incoming.Headers)
        {
            if (name.Length == 0 || name[0] == ':' || HeaderRules.IsHopByHop(name) || HeaderRules.IsNamedInConnection(name, connection)
                || string.Equals(name, HeaderNames.Host, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (target.AddForwardedHeaders && (string.Equals(name, "X-Forwarded-Host", StringComparison.OrdinalIgnoreCase)
                || string.Equals(name, "X-Forwarded-Proto", StringComparison.OrdinalIgnoreCase)
                || string.Equals(name, "X-Forwarded-For", StringComparison.OrdinalIgnoreCase)))
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
            var prior = incoming.Headers["X-Forwarded-For"];
            var forwarded = forwardedFor?.ToString();
            var chain = StringValues.IsNullOrEmpty(prior) ? forwarded : forwarded is null ? prior.ToString() : $"{prior}, {forwarded}";
            if (chain is not null)
            {
                request.Headers.TryAddWithoutValidation("X-Forwarded-For", chain);
            }

            request.Headers.TryAddWithoutValidation("X-Forwarded-Host", incomingHost);
            request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "https");
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

        foreach (var (name, values) in source.Content.Headers.NonValidated)
        {
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

    private static async Task<ForwardResult> CopyResponseBodyAsync(HttpResponseMessage response, HttpContext context, CancellationToken clientAborted)
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

        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            var body = context.Response.BodyWriter;
            while (true)
            {
                int read;
                try
                {
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

                try
                {
                    // WriteAsync flushes: each chunk leaves as soon as it arrives (SSE event by event, spec item 59).
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
            ArrayPool<byte>.Shared.Return(buffer);
            await source.DisposeAsync();
        }
    }

    private static ForwarderError Classify(Exception exception, bool timedOut, bool clientFailed, CancellationToken clientAborted)
    {
        if (clientAborted.IsCancellationRequested || clientFailed)
        {
            return ForwarderError.ClientAborted;
        }

        if (timedOut && exception is OperationCanceledException)
        {
            return ForwarderError.UpstreamResponseTimeout;
        }

        // Policy and TLS causes first: HttpClient wraps them in a generic "connection error".
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case EgressDeniedException:
                    return ForwarderError.EgressDenied;
                case AuthenticationException:
                case HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError }:
                    return ForwarderError.UpstreamTlsFailed;
            }
        }

        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException or TimeoutException
                or HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError })
            {
                return ForwarderError.UpstreamConnectFailed;
            }
        }

        return ForwarderError.UpstreamRequestFailed;
    }
}
