using System.Net;
using System.Net.Http.Headers;
using System.Text;
using McpTunnel.Proxy.Tests.Infrastructure;

namespace McpTunnel.Proxy.Tests.Observability;

/// <summary>
/// The MCP peek with metrics on (<c>admin_addr</c>), through real tunnels to a real upstream: a body the peek cannot
/// read still reaches the upstream byte for byte and is counted <c>unknown</c>, and what is counted is what the body
/// says, not what the <c>Mcp-Method</c>/<c>Mcp-Name</c> headers claim.
/// </summary>
public sealed class McpBodyPeekEndToEndTests
{
    /// <summary>FF FE C0 80 ED A0 80: bytes no UTF-8 text holds, an overlong NUL and an encoded surrogate.</summary>
    private static readonly byte[] NotUtf8 = [0xFF, 0xFE, 0xC0, 0x80, 0xED, 0xA0, 0x80];

    [Theory]
    [InlineData(false, "name")]
    [InlineData(false, "method")]
    [InlineData(true, "name")]
    [InlineData(true, "method")]
    public async Task BodyThatIsNotUtf8_ReachesTheUpstreamByteForByte_AndIsCountedUnknown(bool http2, string where)
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream, AdminListenerTests.WithAdmin);
        var client = proxy.CreateClient(http2);
        var body = where == "name" ? Body("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"@"}}""") : Body("""{"jsonrpc":"2.0","id":1,"method":"@"}""");

        using var response = await client.PostAsync(proxy.UrlFor("echo", "/raw"), JsonContent(body));
        var received = await response.Content.ReadAsByteArrayAsync();
        var metrics = await AdminScrape.MetricsAfterRequestsAsync(proxy, 1);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body, received);
        Assert.Equal(1, AdminScrape.Value(metrics, "mcptunnel_requests_total{route=\"echo\",method=\"POST\",status_class=\"2xx\",mcp_method=\"unknown\"}"));
        Assert.False(proxy.Logs.Contains("client aborted"), "the request was aborted");
    }

    [Fact]
    public async Task BodyThatIsNotUtf8_TheRequestPipelinedBehindItIsAnswered()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream, AdminListenerTests.WithAdmin);
        await using var tls = await proxy.OpenTlsAsync();
        var host = proxy.HostFor("echo");
        var first = Body("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"@"}}""");
        byte[] requests =
        [
            .. Encoding.ASCII.GetBytes($"POST /raw HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {first.Length}\r\n\r\n"), .. first,
            .. Encoding.ASCII.GetBytes($"POST /raw HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: 6\r\nConnection: close\r\n\r\nsecond"),
        ];

        await tls.WriteAsync(requests);
        await tls.FlushAsync();
        var answer = await ReadToEndAsync(tls);

        var text = Encoding.Latin1.GetString(answer);
        Assert.Equal(2, text.Split("HTTP/1.1 200 OK").Length - 1);
        Assert.True(answer.AsSpan().IndexOf(first) > 0, "the first body did not come back byte for byte");
        Assert.EndsWith("\r\n\r\nsecond", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task McpMethodHeaderNamingPing_OnAToolCallBody_CountsTheToolCall_AndTheMismatch()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream, AdminListenerTests.WithAdmin);

        var metrics = await SendAsync(proxy, """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"realtool"}}""", ("Mcp-Method", "ping"));

        Assert.Equal(1, AdminScrape.Value(metrics, "mcptunnel_requests_total{route=\"echo\",method=\"POST\",status_class=\"2xx\",mcp_method=\"tools/call\"}"));
        Assert.Null(AdminScrape.Value(metrics, "mcptunnel_requests_total{route=\"echo\",method=\"POST\",status_class=\"2xx\",mcp_method=\"ping\"}"));
        Assert.Equal(1, AdminScrape.Value(metrics, "mcptunnel_mcp_tool_calls_total{route=\"echo\",tool=\"realtool\",status_class=\"2xx\"}"));
        Assert.Equal(1, AdminScrape.Value(metrics, "mcptunnel_mcp_header_mismatches_total{route=\"echo\",header=\"Mcp-Method\"}"));
    }

    [Fact]
    public async Task McpNameHeaderNamingADecoy_CountsTheBodysTool_AndTheMismatch()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream, AdminListenerTests.WithAdmin);

        var metrics = await SendAsync(proxy, """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"realtool"}}""", ("Mcp-Method", "tools/call"), ("Mcp-Name", "decoy"));

        Assert.Equal(1, AdminScrape.Value(metrics, "mcptunnel_mcp_tool_calls_total{route=\"echo\",tool=\"realtool\",status_class=\"2xx\"}"));
        Assert.Null(AdminScrape.Value(metrics, "mcptunnel_mcp_tool_calls_total{route=\"echo\",tool=\"decoy\""));
        Assert.Equal(1, AdminScrape.Value(metrics, "mcptunnel_mcp_header_mismatches_total{route=\"echo\",header=\"Mcp-Name\"}"));
        Assert.Null(AdminScrape.Value(metrics, "mcptunnel_mcp_header_mismatches_total{route=\"echo\",header=\"Mcp-Method\"}"));
    }

    [Fact]
    public async Task McpHeadersAgreeingWithTheBody_CountTheCall_AndNoMismatch()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream, AdminListenerTests.WithAdmin);

        var metrics = await SendAsync(proxy, """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"météo"}}""", ("Mcp-Method", "tools/call"), ("Mcp-Name", "=?base64?bcOpdMOpbw==?="));

        Assert.Equal(1, AdminScrape.Value(metrics, "mcptunnel_requests_total{route=\"echo\",method=\"POST\",status_class=\"2xx\",mcp_method=\"tools/call\"}"));
        Assert.Null(AdminScrape.Value(metrics, "mcptunnel_mcp_header_mismatches_total{"));
    }

    /// <summary>Sends one MCP POST over h2 with the given extra headers and returns the metrics once it has finished.</summary>
    private static async Task<string> SendAsync(TestProxy proxy, string json, params (string Name, string? Value)[] headers)
    {
        using var response = await JsonRpcPost.SendAsync(proxy.CreateClient(http2: true), proxy.UrlFor("echo", "/echo/mcp"), json, headers);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = EchoResponse.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(json, echo.Body); // the upstream got the body and the headers unchanged
        Assert.All(headers, h => Assert.Equal(h.Value, echo.Headers[h.Name.ToLowerInvariant()]));
        return await AdminScrape.MetricsAfterRequestsAsync(proxy, 1);
    }

    private static ByteArrayContent JsonContent(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>The JSON text with each <c>@</c> replaced by <see cref="NotUtf8"/>.</summary>
    private static byte[] Body(string text) =>
        [.. text.Split('@').Select(Encoding.UTF8.GetBytes).Aggregate((a, b) => [.. a, .. NotUtf8, .. b])];

    private static async Task<byte[]> ReadToEndAsync(Stream stream)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var all = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        try
        {
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                all.Write(buffer, 0, read);
            }
        }
        catch (IOException)
        {
            // the connection was cut: what arrived before is the answer
        }

        return all.ToArray();
    }
}
