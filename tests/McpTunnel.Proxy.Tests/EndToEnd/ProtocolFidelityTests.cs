using System.Net;
using McpTunnel.Proxy.Tests.Infrastructure;

namespace McpTunnel.Proxy.Tests.EndToEnd;

/// <summary>
/// The protocol edges an independent test client probed inside the inner TLS session: what the upstream receives is
/// what the client sent, a request the upstream did not receive whole is never answered with a success, and messages
/// the HTTP RFCs call malformed are refused before anything is forwarded.
/// </summary>
public sealed class ProtocolFidelityTests
{
    // Request bodies whose chunked framing is broken (RFC 9112 section 7.1): each must be refused with 400.
    public static TheoryData<string, string> BadChunkedBodies => new()
    {
        { "negative size", "-5\r\nhello\r\n0\r\n\r\n" },
        { "size over 2^64", "10000000000000000\r\nhello\r\n0\r\n\r\n" },
        { "hex prefix", "0x5\r\nhello\r\n0\r\n\r\n" },
        { "bare LF in size line", "5\nhello\r\n0\r\n\r\n" },
        { "bare LF in extension", "5;ext=1\nhello\r\n0\r\n\r\n" },
        { "no CRLF after data", "5\r\nhelloXX0\r\n\r\n" },
        { "request line as trailer", "5\r\nhello\r\n0\r\nGET / HTTP/1.1\r\n\r\n" },
    };

    [Theory]
    [MemberData(nameof(BadChunkedBodies))]
    public async Task MalformedChunkedBody_Gets400_UpstreamNeverCompletes_CauseLogged(string caseName, string body)
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        await using var tls = await proxy.OpenTlsAsync();

        var response = await RawHttp1.ExchangeAsync(tls, $"POST /upload HTTP/1.1\r\nHost: {proxy.HostFor("echo")}\r\nTransfer-Encoding: chunked\r\n\r\n{body}");

        Assert.True(response.Status == 400, $"{caseName}: {response.Head}\n{string.Join("\n", proxy.Logs.Entries.Select(e => e + " " + e.Exception))}");
        Assert.Equal(0, upstream.UploadsCompleted);
        var logged = await proxy.Logs.WaitForMessageAsync("request body rejected");
        Assert.Equal("400", logged.Fields["status"]);
        Assert.False(string.IsNullOrEmpty(logged.Fields["reason"]));
        Assert.False(proxy.Logs.Entries.Any(e => e.Message == "request finished" && e.Fields["status"] == "200"), caseName);
    }

    [Fact]
    public async Task BodySlowerThanTheMinimumDataRate_Gets408_NotASuccess()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        await using var tls = await proxy.OpenTlsAsync();

        // 10 bytes of a declared 100,000, then nothing: Kestrel's minimum rate (240 B/s after a 5 s grace) trips.
        var response = await RawHttp1.ExchangeAsync(tls, $"POST /upload HTTP/1.1\r\nHost: {proxy.HostFor("echo")}\r\nContent-Length: 100000\r\n\r\n0123456789");

        Assert.Equal(408, response.Status);
        Assert.Equal(0, upstream.UploadsCompleted);
        var logged = await proxy.Logs.WaitForMessageAsync("request body rejected");
        Assert.Equal("408", logged.Fields["status"]);
    }

    [Theory]
    [InlineData("+5")]
    [InlineData("5, 5")]
    [InlineData("0x5")]
    [InlineData(" 5a")]
    public async Task ContentLengthThatIsNotDigits_Gets400_NothingForwarded(string contentLength)
    {
        await using var upstream = RawUpstream.Start();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        await using var tls = await proxy.OpenTlsAsync();

        var response = await RawHttp1.ExchangeAsync(tls, $"POST /x HTTP/1.1\r\nHost: {proxy.HostFor("echo")}\r\nContent-Length: {contentLength}\r\n\r\nhello");

        Assert.Equal(400, response.Status);
        Assert.Equal(0, upstream.Connections);
    }

    [Fact]
    public async Task Http1Connect_Gets501_NothingForwarded_NoErrorLogged()
    {
        await using var upstream = RawUpstream.Start();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        await using var tls = await proxy.OpenTlsAsync();

        var host = proxy.HostFor("echo");
        var response = await RawHttp1.ExchangeAsync(tls, $"CONNECT {host}:9999 HTTP/1.1\r\nHost: {host}:9999\r\n\r\n");

        Assert.Equal(501, response.Status);
        Assert.Equal(0, upstream.Connections);
        Assert.DoesNotContain(proxy.Logs.Entries, e => e.Level >= LogLevel.Error);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Http2_DoesNotAdvertiseExtendedConnect_AndRefusesConnect(bool extended)
    {
        await using var upstream = RawUpstream.Start();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        await using var h2 = await RawHttp2.OpenAsync(proxy);

        // SETTINGS_ENABLE_CONNECT_PROTOCOL (0x8, RFC 8441) would invite WebSocket-over-h2 the proxy cannot forward.
        Assert.False(h2.ServerSettings.TryGetValue(0x8, out var enabled) && enabled != 0);
        var host = proxy.HostFor("echo");
        var outcome = extended
            ? await h2.RequestAsync(1, (":method", "CONNECT"), (":protocol", "websocket"), (":scheme", "https"), (":path", "/"), (":authority", host))
            : await h2.RequestAsync(1, (":method", "CONNECT"), (":authority", $"{host}:9999"));

        Assert.True(outcome.Status == 501 || outcome.ErrorCode == Http2Outcome.ProtocolError, outcome.ToString());
        Assert.Equal(0, upstream.Connections);
        Assert.DoesNotContain(proxy.Logs.Entries, e => e.Level >= LogLevel.Error);
    }

    // Request-targets the upstream must receive exactly as the client sent them (path-signing schemes and upstream
    // routing depend on it): no dot-segment removal, no re-escaping, no backslash conversion.
    public static TheoryData<string, string, string> Targets => new()
    {
        { "GET", "/c/%2e%2e/y", "/c/%2e%2e/y" },
        { "GET", "/a/../b", "/a/../b" },
        { "GET", "/./x", "/./x" },
        { "GET", "/a\\b", "/a\\b" },
        { "GET", "/%zz", "/%zz" },
        { "GET", "/%7e/%7E", "/%7e/%7E" },
        { "GET", "//double//slash", "//double//slash" },
        { "GET", "/a;p=1/%2F?q=%zz&r=../s&t=%20", "/a;p=1/%2F?q=%zz&r=../s&t=%20" },
        { "GET", "/?", "/?" },
        { "GET", "https://{host}/abs/../form?x=%2e", "/abs/../form?x=%2e" },
        { "GET", "https://{host}?only=query", "/?only=query" },
    };

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Http1RequestTarget_ReachesUpstreamByteForByte(string method, string sent, string expected)
    {
        await using var upstream = RawUpstream.Start();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        await using var tls = await proxy.OpenTlsAsync();

        var host = proxy.HostFor("echo");
        var response = await RawHttp1.ExchangeAsync(tls, $"{method} {sent.Replace("{host}", host, StringComparison.Ordinal)} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");

        Assert.Equal(200, response.Status);
        var received = await upstream.NextRequestAsync();
        Assert.Equal($"{method} {expected} HTTP/1.1", received.RequestLine);
    }

    [Fact]
    public async Task OptionsAsterisk_Gets501_NotRewrittenToSlash()
    {
        await using var upstream = RawUpstream.Start();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        await using var tls = await proxy.OpenTlsAsync();

        // The upstream client cannot send asterisk-form, and "OPTIONS /" would be a different request.
        var response = await RawHttp1.ExchangeAsync(tls, $"OPTIONS * HTTP/1.1\r\nHost: {proxy.HostFor("echo")}\r\nConnection: close\r\n\r\n");

        Assert.Equal(501, response.Status);
        Assert.Equal(0, upstream.Connections);
    }

    [Theory]
    [InlineData("/c/%2e%2e/y")]
    [InlineData("/a/../b")]
    [InlineData("/%zz?q=%7e")]
    [InlineData("/a\\b")]
    public async Task Http2Path_ReachesUpstreamByteForByte(string path)
    {
        await using var upstream = RawUpstream.Start();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        await using var h2 = await RawHttp2.OpenAsync(proxy);

        var outcome = await h2.RequestAsync(1, (":method", "GET"), (":scheme", "https"), (":path", path), (":authority", proxy.HostFor("echo")));

        Assert.Equal(200, outcome.Status);
        Assert.Equal(path, (await upstream.NextRequestAsync()).Target);
    }

    // Messages RFC 9113 sections 8.2 and 8.3 call malformed, which an intermediary must refuse rather than repair.
    public static TheoryData<string, string, string> MalformedHttp2 => new()
    {
        { "transfer-encoding header", "transfer-encoding", "chunked" },
        { "keep-alive header", "keep-alive", "timeout=5" },
        { "proxy-connection header", "proxy-connection", "keep-alive" },
        { "upgrade header", "upgrade", "websocket" },
        { "te other than trailers", "te", "gzip" },
        { "colon inside a name", "x:y", "1" },
        { "space inside a name", "x y", "1" },
        { "uppercase name", "X-Upper", "1" },
        { "space in :path", ":path", "/a b" },
        { "fragment in :path", ":path", "/a#frag" },
        { "content-length with a sign", "content-length", "+0" },
    };

    [Theory]
    [MemberData(nameof(MalformedHttp2))]
    public async Task MalformedHttp2Request_IsRefused_NothingForwarded(string caseName, string name, string value)
    {
        await using var upstream = RawUpstream.Start();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        await using var h2 = await RawHttp2.OpenAsync(proxy);

        var headers = new List<(string, string)> { (":method", "GET"), (":scheme", "https") };
        headers.Add((":path", name == ":path" ? value : "/x"));
        headers.Add((":authority", proxy.HostFor("echo")));
        if (name != ":path")
        {
            headers.Add((name, value));
        }

        var outcome = await h2.RequestAsync(1, [.. headers]);

        Assert.True(outcome.IsRefusedAsMalformed, $"{caseName}: {outcome}");
        Assert.Equal(0, upstream.Connections);
    }

    [Fact]
    public async Task WellFormedHttp2Request_WithTeTrailers_IsForwarded()
    {
        await using var upstream = RawUpstream.Start();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        await using var h2 = await RawHttp2.OpenAsync(proxy);

        var outcome = await h2.RequestAsync(1, (":method", "GET"), (":scheme", "https"), (":path", "/x"), (":authority", proxy.HostFor("echo")), ("te", "trailers"), ("x-ok", "1"));

        Assert.Equal(200, outcome.Status);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UpstreamSendsContentLengthAndChunked_ClientGetsTheChunkedBody(bool http2)
    {
        await using var upstream = RawUpstream.Start("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);

        using var response = await proxy.CreateClient(http2).GetAsync(proxy.UrlFor("echo", "/x"), HttpCompletionOption.ResponseHeadersRead);

        // RFC 9112 section 6.3: Transfer-Encoding overrides Content-Length, which must not be passed on.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Content.Headers.NonValidated.Contains("Content-Length"));
        Assert.Equal("hello world", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UpstreamAnswers101ToAPlainRequest_ClientGets502_RawBytesNeverRelayed()
    {
        await using var upstream = RawUpstream.Start("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nRAW-BYTES-AFTER-101");
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        await using var tls = await proxy.OpenTlsAsync();

        var response = await RawHttp1.ExchangeAsync(tls, $"GET /x HTTP/1.1\r\nHost: {proxy.HostFor("echo")}\r\nConnection: close\r\n\r\n");

        Assert.Equal(502, response.Status);
        Assert.DoesNotContain("RAW-BYTES", response.Body, StringComparison.Ordinal);
        var failed = await proxy.Logs.WaitForMessageAsync("upstream request failed");
        Assert.Equal("UpstreamInvalidResponse", failed.Fields["outcome"]);
    }
}
