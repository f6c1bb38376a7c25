using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using McpTunnel.Proxy.Egress;
using McpTunnel.Proxy.Forwarding;

namespace McpTunnel.Proxy.Tests.Forwarding;

/// <summary>
/// How a failed forward becomes an outcome, case by case (the end-to-end tests show each outcome's answer): the cause
/// HttpClient wraps in a generic connection error is found, and the client's own failures come first.
/// </summary>
public sealed class ForwarderErrorClassifierTests
{
    public static TheoryData<Exception, string> Causes() => new()
    {
        { new HttpRequestException(HttpRequestError.ConnectionError, "connection error", new EgressDeniedException(IPAddress.Parse("8.8.8.8"))), nameof(ForwarderError.EgressDenied) },
        { new HttpRequestException(HttpRequestError.SecureConnectionError, "tls"), nameof(ForwarderError.UpstreamTlsFailed) },
        { new HttpRequestException("wrapped", new AuthenticationException("remote certificate invalid")), nameof(ForwarderError.UpstreamTlsFailed) },
        { new HttpRequestException(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused)), nameof(ForwarderError.UpstreamConnectFailed) },
        { new HttpRequestException(HttpRequestError.NameResolutionError, "no such host"), nameof(ForwarderError.UpstreamConnectFailed) },
        { new HttpRequestException(HttpRequestError.InvalidResponse, "bad status line"), nameof(ForwarderError.UpstreamRequestFailed) },
    };

    [Theory]
    [MemberData(nameof(Causes))]
    public void UpstreamFailure_IsClassifiedByItsInnermostKnownCause(Exception exception, string expected)
    {
        Assert.Equal(expected, ForwarderErrorClassifier.Classify(exception, timedOut: false, clientFailure: null, CancellationToken.None).ToString());
    }

    [Fact]
    public void CancelledByTheResponseHeaderDeadline_IsAResponseTimeout()
    {
        Assert.Equal(ForwarderError.UpstreamResponseTimeout, ForwarderErrorClassifier.Classify(new TaskCanceledException(), timedOut: true, clientFailure: null, CancellationToken.None));
    }

    [Fact]
    public void ClientAbort_WinsOverTheUpstreamsException()
    {
        using var aborted = new CancellationTokenSource();
        aborted.Cancel();

        Assert.Equal(ForwarderError.ClientAborted, ForwarderErrorClassifier.Classify(new TaskCanceledException(), timedOut: true, clientFailure: null, aborted.Token));
    }

    [Fact]
    public void ClientBodyTooSlow_Is408_AndBrokenFraming400()
    {
        var slow = new BadHttpRequestException("slow", StatusCodes.Status408RequestTimeout);
        var broken = new BadHttpRequestException("bad chunk", StatusCodes.Status400BadRequest);

        Assert.Equal(ForwarderError.RequestBodyTimeout, ForwarderErrorClassifier.Classify(new IOException(), false, slow, CancellationToken.None));
        Assert.Equal(ForwarderError.RequestBodyInvalid, ForwarderErrorClassifier.Classify(new IOException(), false, broken, CancellationToken.None));
        Assert.Equal(ForwarderError.RequestBodyInvalid, ForwarderErrorClassifier.Classify(new IOException(), false, new IOException("Bad chunk size data.", new OverflowException()), CancellationToken.None));
    }
}
