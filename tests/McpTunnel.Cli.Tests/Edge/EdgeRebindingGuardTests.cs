using System.Net;
using McpTunnel.Cli.Demo;
using ModelContextProtocol.Client;

namespace McpTunnel.Cli.Tests.Edge;

/// <summary>
/// Issue 13 item 3: the edge (and so the demo) serves only Hosts naming itself and refuses foreign browser Origins,
/// before anything is forwarded, so a web page cannot reach the demo's MCP server by DNS rebinding.
/// </summary>
public sealed class EdgeRebindingGuardTests
{
    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    private const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"page","version":"1"}}}""";

    private static HttpRequestMessage InitializeRequest(Uri url, string? host, string? origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(Initialize, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return request;
    }

    [Fact]
    public async Task RebindingRequest_ForeignHostAndOrigin_IsRefused403NamingTheOption()
    {
        await using var stack = await DemoStack.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), null, Timeout());
        using var client = new HttpClient();

        using var response = await client.SendAsync(InitializeRequest(stack.McpUrl, "evil.example", "http://evil.example"), Timeout());
        var body = await response.Content.ReadAsStringAsync(Timeout());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Host \"evil.example\" does not name this edge", body, StringComparison.Ordinal);
        Assert.Contains("--allowed-host evil.example", body, StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Mcp-Session-Id"));
        Assert.Equal(0, stack.Proxy.Tunnels.ActiveTunnels); // refused before a tunnel was opened
    }

    [Fact]
    public async Task OwnHostWithForeignOrigin_IsRefused403NamingTheOption()
    {
        await using var stack = await DemoStack.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), null, Timeout());
        using var client = new HttpClient();

        using var response = await client.SendAsync(InitializeRequest(stack.McpUrl, null, "http://evil.example"), Timeout());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Origin \"http://evil.example\" is not this edge", await response.Content.ReadAsStringAsync(Timeout()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1", null)]
    [InlineData("localhost", "http://localhost")]
    [InlineData("[::1]", "http://127.0.0.1")]
    public async Task OwnAddressNames_AreServed(string name, string? originBase)
    {
        await using var stack = await DemoStack.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), null, Timeout());
        var port = stack.Edge.BaseUri.Port;
        using var client = new HttpClient();

        using var response = await client.SendAsync(InitializeRequest(stack.McpUrl, $"{name}:{port}", originBase is null ? null : $"{originBase}:{port}"), Timeout());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.Contains("Mcp-Session-Id"));
    }

    [Fact]
    public async Task SameNameOnAnotherPort_IsRefused()
    {
        await using var stack = await DemoStack.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), null, Timeout());
        using var client = new HttpClient();

        using var response = await client.SendAsync(InitializeRequest(stack.McpUrl, "localhost:1", null), Timeout());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task AllowedHost_ServesThatHostAndOrigin()
    {
        await using var stack = await DemoStack.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), null, Timeout(), ["mcp.dev.test"]);
        using var client = new HttpClient();

        using var response = await client.SendAsync(InitializeRequest(stack.McpUrl, "mcp.dev.test", "https://mcp.dev.test"), Timeout());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task DemosOwnSdkClient_StillWorks()
    {
        await using var stack = await DemoStack.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), null, Timeout());
        var transport = new HttpClientTransport(new HttpClientTransportOptions { Endpoint = stack.McpUrl, TransportMode = HttpTransportMode.StreamableHttp });
        await using var client = await McpClient.CreateAsync(transport, cancellationToken: Timeout());

        var tools = await client.ListToolsAsync(cancellationToken: Timeout());

        Assert.Contains(tools, t => t.Name == "hello");
    }
}
