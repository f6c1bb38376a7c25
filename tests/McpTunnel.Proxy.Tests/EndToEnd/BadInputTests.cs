using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Net;
using System.Text;
using McpTunnel.Pki.Issuing;
using McpTunnel.Proxy.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace McpTunnel.Proxy.Tests.EndToEnd;

/// <summary>Each bad input gets a clear answer, and the proxy keeps serving afterwards (docs/RELIABILITY.md).</summary>
public sealed class BadInputTests
{
    private static async Task AssertStillServesAsync(TestProxy proxy)
    {
        using var response = await proxy.CreateClient().GetAsync(proxy.UrlFor("echo", "/echo/after"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task PlainHttpRequest_Gets426()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        using var plain = new HttpClient();

        using var response = await plain.GetAsync(proxy.Server.ListenUri);

        Assert.Equal((HttpStatusCode)426, response.StatusCode);
        Assert.Contains("WebSocket", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await AssertStillServesAsync(proxy);
    }

    [Fact]
    public async Task TextMessage_ClosesTunnelWith1003()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(proxy.WebSocketUri, CancellationToken.None);

        await socket.SendAsync(Encoding.UTF8.GetBytes("hello"), WebSocketMessageType.Text, true, CancellationToken.None);
        var result = await socket.ReceiveAsync(new byte[100], new CancellationTokenSource(TimeSpan.FromSeconds(15)).Token);

        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(WebSocketCloseStatus.InvalidMessageType, result.CloseStatus);
        await AssertStillServesAsync(proxy);
    }

    [Fact]
    public async Task GarbageInsteadOfTls_LogsHandshakeFailure()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(proxy.WebSocketUri, CancellationToken.None);

        await socket.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), WebSocketMessageType.Binary, true, CancellationToken.None);
        var result = await socket.ReceiveAsync(new byte[4096], new CancellationTokenSource(TimeSpan.FromSeconds(15)).Token);

        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        var failure = await proxy.Logs.WaitForMessageAsync("tls handshake failed");
        Assert.StartsWith("tls handshake failed: ", failure.Message, StringComparison.Ordinal);
        await AssertStillServesAsync(proxy);
    }

    [Fact]
    public async Task WebSocketClosedBeforeTls_IsLoggedAtInfo_NotAsAHandshakeFailure()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(proxy.WebSocketUri, CancellationToken.None);

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", new CancellationTokenSource(TimeSpan.FromSeconds(15)).Token);

        var closed = await proxy.Logs.WaitForMessageAsync("tunnel closed before tls");
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Information, closed.Level);
        Assert.False(proxy.Logs.Contains("tls handshake failed"));
        await AssertStillServesAsync(proxy);
    }

    [Fact]
    public async Task ClientTrustingAnotherCa_IsRefused_AndProxyLogsTheReason()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        using var otherCa = CertificateAuthority.Create();
        var connector = proxy.CreateConnector(System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(otherCa.Certificate.RawData));

        await Assert.ThrowsAnyAsync<Exception>(() => connector.ConnectTlsAsync(proxy.HostFor("echo"), [SslApplicationProtocol.Http11], CancellationToken.None));

        Assert.StartsWith("unknown certificate authority", connector.Validator.LastFailure(proxy.HostFor("echo")), StringComparison.Ordinal);

        // .NET clients verify after the TLS 1.3 handshake and close without an alert. Depending on whether the
        // proxy has read the client's Finished before the tunnel closes, it sees either a tunnel close with no
        // request or a handshake the client walked out of; both are right, and neither may become a request.
        // Clients that send the alert are covered by TlsFailureReasonTests.
        await proxy.Logs.WaitForAsync(e =>
            e.Message.Contains("tunnel closed", StringComparison.Ordinal)
            || e.Message == "tls handshake failed: client closed the connection during the handshake");
        Assert.False(proxy.Logs.Contains("request started"));
        await AssertStillServesAsync(proxy);
    }

    [Fact]
    public async Task SilentClient_IsCutAtTheHandshakeDeadline()
    {
        var clock = new DeadlineWatchingClock(TimeSpan.FromSeconds(1));
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartAsync($"echo: http://127.0.0.1:{upstream.Port}", "upstream:\n  allowed_ips: [127.0.0.0/8]\nlimits:\n  handshake_timeout: 1s\n", time: clock);
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(proxy.WebSocketUri, CancellationToken.None);
        await clock.Armed.Task.WaitAsync(TimeSpan.FromSeconds(15));
        clock.Advance(TimeSpan.FromSeconds(1));

        // The deadline cuts the connection (a close frame cannot follow a cancelled read); either way it must end.
        var ended = await EndsWithinAsync(socket, TimeSpan.FromSeconds(15));

        Assert.True(ended);
        Assert.Equal("tls handshake failed: handshake timed out after 1s", (await proxy.Logs.WaitForMessageAsync("tls handshake failed")).Message);
    }

    [Fact]
    public async Task TunnelsBeyondTheCap_Get503()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartAsync($"echo: http://127.0.0.1:{upstream.Port}", "upstream:\n  allowed_ips: [127.0.0.0/8]\nlimits:\n  max_tunnels: 1\n");
        using var first = new ClientWebSocket();
        await first.ConnectAsync(proxy.WebSocketUri, CancellationToken.None);

        using var second = new ClientWebSocket();
        var refused = await Assert.ThrowsAsync<WebSocketException>(() => second.ConnectAsync(proxy.WebSocketUri, CancellationToken.None));

        Assert.Contains("503", refused.Message, StringComparison.Ordinal);
        Assert.True(proxy.Logs.Contains("tunnel limit reached"));
    }

    [Fact]
    public async Task MalformedHttpInsideTls_Gets400()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        await using var tls = await proxy.OpenTlsAsync();

        await tls.WriteAsync(Encoding.ASCII.GetBytes("NOT A REQUEST LINE\r\n\r\n"));
        var answer = await ReadAllAsync(tls);

        Assert.StartsWith("HTTP/1.1 400", answer, StringComparison.Ordinal);
        await AssertStillServesAsync(proxy);
    }

    [Fact]
    public async Task HugeHeaders_Get431()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        await using var tls = await proxy.OpenTlsAsync();

        var request = $"GET /echo HTTP/1.1\r\nHost: {proxy.HostFor("echo")}\r\nX-Big: {new string('a', 64 * 1024)}\r\n\r\n";
        await tls.WriteAsync(Encoding.ASCII.GetBytes(request));
        var answer = await ReadAllAsync(tls);

        Assert.StartsWith("HTTP/1.1 431", answer, StringComparison.Ordinal);
        await AssertStillServesAsync(proxy);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UnknownHost_Gets502NoRoute_AndIsLogged(bool http2)
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        var client = proxy.CreateClient(http2);

        using var response = await client.GetAsync(proxy.UrlFor("nosuch", "/mcp"));

        // No route: the documented status and body.
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("No route configured for host", await response.Content.ReadAsStringAsync());
        var logged = await proxy.Logs.WaitForMessageAsync("no route for host");
        Assert.Equal(proxy.HostFor("nosuch"), logged.Fields["host"]);
    }

    [Fact]
    public async Task SniForOneRoute_HostForAnother_Gets421()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartAsync($"echo: http://127.0.0.1:{upstream.Port}\nother: http://127.0.0.1:{upstream.Port}");
        await using var tls = await proxy.OpenTlsAsync("echo");

        await tls.WriteAsync(Encoding.ASCII.GetBytes($"GET /echo HTTP/1.1\r\nHost: {proxy.HostFor("other")}\r\nConnection: close\r\n\r\n"));
        var answer = await ReadAllAsync(tls);

        Assert.StartsWith("HTTP/1.1 421", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpstreamDown_Gets502_AndDialErrorIsLogged()
    {
        var port = FreePort.OnLoopback();
        await using var proxy = await TestProxy.StartAsync($"echo: http://127.0.0.1:{port}");

        using var response = await proxy.CreateClient().GetAsync(proxy.UrlFor("echo", "/mcp"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("Upstream connection failed", await response.Content.ReadAsStringAsync());
        var dial = await proxy.Logs.WaitForMessageAsync("upstream dial failed");
        Assert.Equal($"dial tcp 127.0.0.1:{port}: connect: connection refused", dial.Fields["error"]);
    }

    [Fact]
    public async Task UpstreamDiesMidStream_ClientSeesAbort_NotACleanEnd()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);

        var client = proxy.CreateClient();
        using var response = await client.GetAsync(proxy.UrlFor("echo", "/abort"), HttpCompletionOption.ResponseHeadersRead);
        upstream.AbortRelease.SetResult();
        var truncated = await Assert.ThrowsAnyAsync<Exception>(() => response.Content.ReadAsByteArrayAsync());
        Assert.True(truncated is IOException or HttpRequestException, truncated.ToString());

        await proxy.Logs.WaitForMessageAsync("upstream response aborted mid-stream");
        await AssertStillServesAsync(proxy);
    }

    [Fact]
    public async Task SlowUpstream_Gets504AfterResponseHeaderTimeout()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream, "upstream:\n  allowed_ips: [127.0.0.0/8]\n  response_header_timeout: 1s\n");

        using var response = await proxy.CreateClient().GetAsync(proxy.UrlFor("echo", "/slow"));

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
    }

    [Fact]
    public async Task ClientAbort_CancelsTheUpstreamRequest()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        using var cts = new CancellationTokenSource();
        var client = proxy.CreateClient();

        var call = client.GetAsync(proxy.UrlFor("echo", "/slow"), cts.Token);
        await upstream.SlowStarted.Task.WaitAsync(TimeSpan.FromSeconds(15));
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await proxy.Logs.WaitForMessageAsync("client aborted request");
    }

    /// <summary>A fake clock that says when a timer for the handshake deadline has been set, so the test moves time only then.</summary>
    private sealed class DeadlineWatchingClock(TimeSpan deadline) : FakeTimeProvider(DateTimeOffset.UtcNow)
    {
        public TaskCompletionSource Armed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            if (dueTime == deadline)
            {
                Armed.TrySetResult();
            }

            return timer;
        }
    }

    private static async Task<bool> EndsWithinAsync(WebSocket socket, TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            var result = await socket.ReceiveAsync(new byte[100], timeout.Token);
            return result.MessageType == WebSocketMessageType.Close;
        }
        catch (WebSocketException)
        {
            return !timeout.IsCancellationRequested;
        }
    }


    private static async Task<string> ReadAllAsync(Stream stream)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var buffer = new byte[65536];
        var text = new StringBuilder();
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                text.Append(Encoding.ASCII.GetString(buffer, 0, read));
                if (text.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    break;
                }
            }
        }
        catch (IOException)
        {
        }

        return text.ToString();
    }
}
