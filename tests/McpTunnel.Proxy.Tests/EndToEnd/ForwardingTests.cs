using System.Net;
using System.Net.Http.Headers;
using System.Text;
using McpTunnel.Proxy.Tests.Infrastructure;

namespace McpTunnel.Proxy.Tests.EndToEnd;

/// <summary>Requests through real tunnels (WebSocket → inner TLS → Kestrel → forwarder → upstream), HTTP/1.1 and HTTP/2.</summary>
public sealed class ForwardingTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Headers_EndToEndPassUntouched_HopByHopStripped_ForwardedAdded(bool http2)
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        var client = proxy.CreateClient(http2);
        using var request = new HttpRequestMessage(HttpMethod.Post, proxy.UrlFor("echo", "/echo/a%20b/.well-known/x?q=1&r=%2F"))
        {
            Content = new StringContent("{}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "secret-token-123");
        request.Headers.Add("Mcp-Session-Id", "abc");
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");
        if (!http2)
        {
            request.Headers.Add("Keep-Alive", "timeout=5");
            request.Headers.Add("X-Drop-Me", "1");
            request.Headers.Connection.Add("X-Drop-Me");
        }

        using var response = await client.SendAsync(request);
        var echo = EchoResponse.Parse(await response.Content.ReadAsStringAsync());

        // End-to-end auth and OAuth flows need Authorization, Content-Type and the path and query cross untouched.
        Assert.Equal("Bearer secret-token-123", echo.Headers["authorization"]);
        Assert.Equal("application/json; charset=utf-8", echo.Headers["content-type"]);
        Assert.Equal("abc", echo.Headers["mcp-session-id"]);
        Assert.Equal("/echo/a%20b/.well-known/x?q=1&r=%2F", echo.PathAndQuery);

        // Original Host kept (DNS-rebinding guards, OAuth resource URLs), forwarded facts added.
        Assert.Equal(proxy.HostFor("echo"), echo.Headers["host"]);
        Assert.Equal(proxy.HostFor("echo"), echo.Headers["x-forwarded-host"]);
        Assert.Equal("https", echo.Headers["x-forwarded-proto"]);
        Assert.Equal("127.0.0.1", echo.Headers["x-forwarded-for"]); // replaced, not appended to: the caller's is forgeable
        Assert.Equal("HTTP/1.1", echo.Protocol);

        // Hop-by-hop headers stop at the proxy, both ways.
        Assert.False(echo.Headers.ContainsKey("keep-alive"));
        Assert.False(echo.Headers.ContainsKey("x-drop-me"));
        Assert.Equal("test", response.Headers.GetValues("X-Upstream").Single());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ForgedForwardingHeaders_AreReplacedOrDropped_NeverPassedOn(bool http2)
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        var client = proxy.CreateClient(http2);
        using var request = new HttpRequestMessage(HttpMethod.Get, proxy.UrlFor("echo", "/echo"));
        foreach (var (name, value) in new[]
        {
            ("X-Forwarded-For", "6.6.6.6"), ("X-Forwarded-Host", "evil.example"), ("X-Forwarded-Proto", "http"),
            ("Forwarded", "for=6.6.6.6;proto=http;host=evil.example"), ("X-Forwarded-Prefix", "/admin"), ("X-Forwarded-Port", "80"),
            ("X-Forwarded-Server", "evil"), ("X-Real-IP", "6.6.6.6"), ("X_Forwarded_For", "6.6.6.6"), ("x_real_ip", "6.6.6.6"),
            ("X-Kept", "end-to-end"),
        })
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await client.SendAsync(request);
        var headers = EchoResponse.Parse(await response.Content.ReadAsStringAsync()).Headers;

        Assert.Equal("127.0.0.1", headers["x-forwarded-for"]);
        Assert.Equal(proxy.HostFor("echo"), headers["x-forwarded-host"]);
        Assert.Equal("https", headers["x-forwarded-proto"]);
        foreach (var dropped in new[] { "forwarded", "x-forwarded-prefix", "x-forwarded-port", "x-forwarded-server", "x-real-ip", "x_forwarded_for", "x_real_ip" })
        {
            Assert.False(headers.ContainsKey(dropped), dropped);
        }

        Assert.Equal("end-to-end", headers["x-kept"]);
        Assert.DoesNotContain(headers.Values, v => v.Contains("6.6.6.6", StringComparison.Ordinal) || v.Contains("evil", StringComparison.Ordinal));
    }

    // RFC 9110 section 7.6.1: every field the Connection header names stops at the proxy, whatever else it lists.
    [Theory]
    [InlineData("X-Forwarded-For, Authorization, Mcp-Session-Id")]
    [InlineData("keep-alive, Authorization, Mcp-Session-Id")]
    [InlineData("close, Authorization, Mcp-Session-Id")]
    [InlineData("Keep-Alive,Authorization ,Mcp-Session-Id")]
    [InlineData("upgrade, Authorization, Mcp-Session-Id")]
    public async Task Http1FieldsNamedInConnection_NeverReachTheUpstream_WhateverElseItLists(string connection)
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        await using var tls = await proxy.OpenTlsAsync();

        var response = await RawHttp1.ExchangeAsync(tls,
            $"GET /echo HTTP/1.1\r\nHost: {proxy.HostFor("echo")}\r\nConnection: {connection}\r\nAuthorization: Bearer hop-secret\r\n" +
            "Mcp-Session-Id: hop-session\r\nX-Kept: end-to-end\r\n\r\n");

        Assert.Equal(200, response.Status);
        var json = response.Body[response.Body.IndexOf('{', StringComparison.Ordinal)..(response.Body.LastIndexOf('}') + 1)]; // one chunk
        var headers = EchoResponse.Parse(json).Headers;
        Assert.False(headers.ContainsKey("authorization"), json);
        Assert.False(headers.ContainsKey("mcp-session-id"), connection);
        Assert.False(headers.ContainsKey("connection") && headers["connection"].Contains("Authorization", StringComparison.OrdinalIgnoreCase), connection);
        Assert.Equal("end-to-end", headers["x-kept"]);

        // What Kestrel decides from the header is unchanged: close still closes the inner connection, the rest keep it.
        var closes = connection.StartsWith("close", StringComparison.Ordinal);
        Assert.Equal(closes, response.Head.Contains("Connection: close", StringComparison.OrdinalIgnoreCase));
        if (!closes)
        {
            var second = await RawHttp1.ExchangeAsync(tls, $"GET /echo HTTP/1.1\r\nHost: {proxy.HostFor("echo")}\r\n\r\n");
            Assert.Equal(200, second.Status);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SseEvents_ArriveOneByOne_BeforeTheStreamEnds(bool http2)
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        var client = proxy.CreateClient(http2);

        using var response = await client.GetAsync(proxy.UrlFor("echo", "/sse"), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await upstream.AssertSseEventsArriveOneByOneAsync(response);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Delete_IsForwarded(bool http2)
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        var client = proxy.CreateClient(http2);

        using var response = await client.DeleteAsync(proxy.UrlFor("echo", "/echo/mcp"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("DELETE", EchoResponse.Parse(await response.Content.ReadAsStringAsync()).Method);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FiftyMiB_BothWays_StreamsIntact(bool http2)
    {
        const long size = 50L * 1024 * 1024;
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        var client = proxy.CreateClient(http2);

        using (var download = await client.GetAsync(proxy.UrlFor("echo", $"/bytes/{size}"), HttpCompletionOption.ResponseHeadersRead))
        {
            var stream = await download.Content.ReadAsStreamAsync();
            var buffer = new byte[81920];
            long total = 0;
            var intact = true;
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                for (var i = 0; i < read; i++)
                {
                    intact &= buffer[i] == (byte)((total + i) % (64 * 1024) % 251);
                }

                total += read;
            }

            Assert.Equal(size, total);
            Assert.True(intact);
        }

        var payload = new GeneratedStream(size);
        using var upload = await client.PostAsync(proxy.UrlFor("echo", "/upload"), new StreamContent(payload));
        var result = System.Text.Json.JsonDocument.Parse(await upload.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(size, result.GetProperty("total").GetInt64());
        Assert.Equal(payload.Checksum, result.GetProperty("checksum").GetInt64());
    }

    [Fact]
    public async Task ManyRequests_ReuseOneTunnel()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        var client = proxy.CreateClient(http2: true);

        for (var i = 0; i < 100; i++)
        {
            using var response = await client.GetAsync(proxy.UrlFor("echo", $"/echo/{i}"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(1, proxy.Server.Tunnels.ActiveTunnels);
        Assert.Equal(1, proxy.Logs.Entries.Count(e => e.Message == "tunnel opened"));
    }

    [Fact]
    public async Task ManyTunnels_AtOnce_AllServed()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        var clients = Enumerable.Range(0, 40).Select(i => proxy.CreateClient(http2: i % 2 == 0)).ToList();

        var statuses = await Task.WhenAll(clients.Select(async (c, i) =>
        {
            using var response = await c.PostAsync(proxy.UrlFor("echo", $"/echo/{i}"), new StringContent($"{i}"));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode} {body}\n{string.Join("\n", proxy.Logs.Entries.Where(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning))}");
            return (response.StatusCode, EchoResponse.Parse(body).Body == $"{i}");
        }));

        Assert.All(statuses, s => Assert.Equal((HttpStatusCode.OK, true), s));
        Assert.Equal(40, proxy.Logs.Entries.Count(e => e.Message == "tunnel opened"));
    }

    [Fact]
    public async Task UpstreamRedirect_IsPassedBack_NotFollowed()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        var client = proxy.CreateClient();

        using var response = await client.GetAsync(proxy.UrlFor("echo", "/redirect"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/echo", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task RequestStarted_IsLoggedWithRoute_WithoutQueryOrSecrets()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        var client = proxy.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, proxy.UrlFor("echo", "/echo/mcp?token=querysecret")) { Content = new StringContent("bodysecret") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "headersecret");

        using var response = await client.SendAsync(request);

        var started = await proxy.Logs.WaitForMessageAsync("request started");
        Assert.Equal("echo", started.Fields["route"]);
        Assert.Equal("POST", started.Fields["method"]);
        Assert.Equal("/echo/mcp", started.Fields["path"]);
        var everything = string.Join("\n", proxy.Logs.Entries.Select(e => e.ToString()));
        Assert.DoesNotContain("querysecret", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("headersecret", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("bodysecret", everything, StringComparison.Ordinal);
        Assert.Single(proxy.Logs.Entries, e => e.Message == "route configured");
    }

    /// <summary>A read-only stream of <c>length</c> generated bytes; never holds the body in memory.</summary>
    private sealed class GeneratedStream(long length) : Stream
    {
        private long _position;

        public long Checksum { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            for (var i = 0; i < n; i++)
            {
                var b = (byte)((_position + i) % 253);
                buffer[offset + i] = b;
                Checksum += b;
            }

            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
