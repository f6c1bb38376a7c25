using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using McpTunnel.Proxy.Egress;
using McpTunnel.Proxy.Forwarding;
using McpTunnel.Proxy.Routing;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Time.Testing;

namespace McpTunnel.Proxy.Tests.Forwarding;

/// <summary>
/// How the forwarder classifies each way a request can fail, tested directly with a handler that fails on cue (as
/// YARP tests its forwarder): a change in how SocketsHttpHandler wraps an exception must not silently change the
/// status a client sees. The end-to-end tests cover the same outcomes with real sockets.
/// </summary>
public sealed class HttpForwarderTests
{
    private static readonly ForwardTarget Target = new("http://upstream:9000", null, addForwardedHeaders: true, TimeSpan.FromSeconds(60), HttpVersion.Version11, HttpVersionPolicy.RequestVersionOrLower);

    public static TheoryData<string, Exception, string> SendFailures => new()
    {
        { "egress refused inside the connect callback", new HttpRequestException(HttpRequestError.ConnectionError, "connect", new EgressDeniedException(IPAddress.Parse("8.8.8.8"))), nameof(ForwarderError.EgressDenied) },
        { "upstream certificate rejected", new HttpRequestException(HttpRequestError.SecureConnectionError, "ssl", new AuthenticationException("bad cert")), nameof(ForwarderError.UpstreamTlsFailed) },
        { "TLS error without an inner exception", new HttpRequestException(HttpRequestError.SecureConnectionError, "ssl"), nameof(ForwarderError.UpstreamTlsFailed) },
        { "connection refused", new HttpRequestException(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused)), nameof(ForwarderError.UpstreamConnectFailed) },
        { "name does not resolve", new HttpRequestException(HttpRequestError.NameResolutionError, "dns"), nameof(ForwarderError.UpstreamConnectFailed) },
        { "connect timeout", new HttpRequestException(HttpRequestError.ConnectionError, "timeout", new TimeoutException()), nameof(ForwarderError.UpstreamConnectFailed) },
        { "upstream closed before answering", new HttpRequestException(HttpRequestError.ResponseEnded, "ended"), nameof(ForwarderError.UpstreamRequestFailed) },
        { "invalid response", new HttpRequestException(HttpRequestError.InvalidResponse, "garbage"), nameof(ForwarderError.UpstreamRequestFailed) },
    };

    [Theory]
    [MemberData(nameof(SendFailures))]
    public async Task SendFailure_IsClassified(string caseName, Exception failure, string expected)
    {
        var forwarder = new HttpForwarder(new HttpMessageInvoker(new CueHandler((_, _) => throw failure)));

        var result = await forwarder.ForwardAsync(NewContext(), Target, null);

        Assert.True(expected == result.Error.ToString(), $"{caseName}: {result.Error}");
        Assert.Same(failure, result.Exception);
    }

    [Fact]
    public async Task NoHeadersWithinTheTimeout_IsUpstreamResponseTimeout()
    {
        var clock = new FakeTimeProvider();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var forwarder = new HttpForwarder(new HttpMessageInvoker(new CueHandler(async (_, token) =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, token);
            throw new InvalidOperationException("unreachable");
        })), clock);

        var forwarding = forwarder.ForwardAsync(NewContext(), Target, null);
        await started.Task;
        clock.Advance(TimeSpan.FromSeconds(60));

        Assert.Equal(ForwarderError.UpstreamResponseTimeout, (await forwarding).Error);
    }

    [Fact]
    public async Task ClientGoneWhileWaiting_IsClientAborted()
    {
        using var aborted = new CancellationTokenSource();
        var context = NewContext();
        context.RequestAborted = aborted.Token;
        var forwarder = new HttpForwarder(new HttpMessageInvoker(new CueHandler(async (_, token) =>
        {
            await aborted.CancelAsync();
            await Task.Delay(Timeout.Infinite, token);
            throw new InvalidOperationException("unreachable");
        })));

        Assert.Equal(ForwarderError.ClientAborted, (await forwarder.ForwardAsync(context, Target, null)).Error);
    }

    public static TheoryData<string, Exception, string> BodyFailures => new()
    {
        { "malformed chunked framing", new BadHttpRequestException("Bad chunk size data.", StatusCodes.Status400BadRequest), nameof(ForwarderError.RequestBodyInvalid) },
        { "minimum data rate", new BadHttpRequestException("Reading the request body timed out due to data arriving too slowly.", StatusCodes.Status408RequestTimeout), nameof(ForwarderError.RequestBodyTimeout) },
        { "chunk size beyond 64 bits", new IOException("Bad chunk size data.", new OverflowException()), nameof(ForwarderError.RequestBodyInvalid) },
        { "client connection reset", new IOException("reset"), nameof(ForwarderError.ClientAborted) },
    };

    [Theory]
    [MemberData(nameof(BodyFailures))]
    public async Task ClientBodyFailure_IsClassifiedByItsCause(string caseName, Exception failure, string expected)
    {
        var context = NewContext("POST");
        context.Request.ContentLength = 10;
        context.Features.Set<IRequestBodyPipeFeature>(new FailingBody(failure));
        var forwarder = new HttpForwarder(new HttpMessageInvoker(new CueHandler(async (request, token) =>
        {
            await request.Content!.CopyToAsync(Stream.Null, token);
            return new HttpResponseMessage(HttpStatusCode.OK);
        })));

        var result = await forwarder.ForwardAsync(context, Target, null);

        Assert.True(expected == result.Error.ToString(), $"{caseName}: {result.Error}");
    }

    [Fact]
    public async Task SwitchingProtocolsToAPlainRequest_IsUpstreamInvalidResponse()
    {
        var forwarder = new HttpForwarder(new HttpMessageInvoker(new CueHandler((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.SwitchingProtocols)))));
        var context = NewContext();

        var result = await forwarder.ForwardAsync(context, Target, null);

        Assert.Equal(ForwarderError.UpstreamInvalidResponse, result.Error);
        Assert.False(context.Response.HasStarted);
    }

    [Theory]
    [InlineData("MalformedRequest", 400)]
    [InlineData("MethodNotSupported", 501)]
    [InlineData("RequestBodyInvalid", 400)]
    [InlineData("RequestBodyTimeout", 408)]
    [InlineData("NoRoute", 502)]
    [InlineData("MisdirectedRequest", 421)]
    [InlineData("EgressDenied", 502)]
    [InlineData("UpstreamConnectFailed", 502)]
    [InlineData("UpstreamTlsFailed", 502)]
    [InlineData("UpstreamResponseTimeout", 504)]
    [InlineData("UpstreamRequestFailed", 502)]
    [InlineData("UpstreamInvalidResponse", 502)]
    [InlineData("ShuttingDown", 503)]
    public void EveryOutcome_MapsToItsStatus(string outcome, int status)
    {
        var error = Enum.Parse<ForwarderError>(outcome);
        Assert.Equal(status, ForwarderErrorMapper.Map(error).Status);
        Assert.False(string.IsNullOrWhiteSpace(ForwarderErrorMapper.Map(error).Body));
    }

    [Fact]
    public async Task ClientAborted_IsAbortedNotAnswered()
    {
        var context = NewContext();
        var aborted = false;
        context.Features.Set<IHttpRequestLifetimeFeature>(new Lifetime(() => aborted = true));

        await ForwarderErrorMapper.WriteAsync(context, ForwarderError.ClientAborted);

        Assert.True(aborted);
        Assert.False(context.Response.HasStarted);
    }

    private static DefaultHttpContext NewContext(string method = "GET")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Host = new HostString("echo.abcd.tunnel.test");
        context.Request.Path = "/mcp";
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = "/mcp";
        context.Response.Body = new MemoryStream();
        return context;
    }

    /// <summary>A handler that does what the test says instead of touching a network.</summary>
    private sealed class CueHandler(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => send(request, cancellationToken);
    }

    /// <summary>A request body whose first read fails the way Kestrel's body readers do.</summary>
    private sealed class FailingBody(Exception failure) : IRequestBodyPipeFeature
    {
        public PipeReader Reader { get; } = new FailingReader(failure);

        private sealed class FailingReader(Exception failure) : PipeReader
        {
            public override void AdvanceTo(SequencePosition consumed)
            {
            }

            public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
            {
            }

            public override void CancelPendingRead()
            {
            }

            public override void Complete(Exception? exception = null)
            {
            }

            public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) => ValueTask.FromException<ReadResult>(failure);

            public override bool TryRead(out ReadResult result) => throw failure;
        }
    }

    private sealed class Lifetime(Action onAbort) : IHttpRequestLifetimeFeature
    {
        public CancellationToken RequestAborted { get; set; }

        public void Abort() => onAbort();
    }
}
