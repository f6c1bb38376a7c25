using System.Net.Sockets;
using System.Security.Authentication;
using McpTunnel.Proxy.Egress;

namespace McpTunnel.Proxy.Forwarding;

/// <summary>
/// Turns how a forward failed (the exception, whether the response-header deadline fired, the client's own body
/// failure, the client's abort) into the <see cref="ForwarderError"/> that <see cref="ForwarderErrorMapper"/> answers:
/// the two halves of "outcomes are values mapped in one place" (docs/ARCHITECTURE.md "Forwarding"), side by side.
/// </summary>
internal static class ForwarderErrorClassifier
{
    /// <param name="exception">What the forward threw.</param>
    /// <param name="timedOut">The response-header deadline fired.</param>
    /// <param name="clientFailure">Reading the client's request body failed with this, if it did.</param>
    /// <param name="clientAborted">The client's connection or request was aborted.</param>
    public static ForwarderError Classify(Exception exception, bool timedOut, Exception? clientFailure, CancellationToken clientAborted)
    {
        // The client's own body failed: Kestrel says how (400 for broken framing, 408 for a body below the minimum
        // data rate), and the client is still there to be told. Kestrel reports a chunk size beyond 64 bits as an
        // IOException ("Bad chunk size data.") around an OverflowException, not as a bad request.
        if (clientFailure is BadHttpRequestException bad)
        {
            return bad.StatusCode == StatusCodes.Status408RequestTimeout ? ForwarderError.RequestBodyTimeout : ForwarderError.RequestBodyInvalid;
        }

        if (clientFailure is IOException { InnerException: OverflowException })
        {
            return ForwarderError.RequestBodyInvalid;
        }

        if (clientAborted.IsCancellationRequested || clientFailure is not null)
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
