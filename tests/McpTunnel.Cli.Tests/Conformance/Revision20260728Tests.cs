using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using McpTunnel.Cli.Edge;
using McpTunnel.Cli.Tests.Infrastructure;

namespace McpTunnel.Cli.Tests.Conformance;

/// <summary>
/// Issue 13 item 5: protocol revision 2026-07-28 through the whole tunnel with the TypeScript SDK v2 on both ends
/// (tests/node/v2-client.mjs → edge → WebSocket → inner TLS → mcp-proxy → tests/node/v2-server.mjs). The routing
/// headers the revision adds (Mcp-Method, Mcp-Name, MCP-Protocol-Version) reach the upstream exactly as the client
/// sent them, and a request whose headers disagree with its body is refused the same way directly and tunnelled.
/// </summary>
public sealed class Revision20260728Tests : IAsyncLifetime
{
    private readonly TestStack _stack = new();
    private readonly int _port = TestStack.FreePort();
    private System.Diagnostics.Process _server = null!;
    private EdgeServer _edge = null!;

    private Uri Direct => new($"http://127.0.0.1:{_port}/mcp");

    private Uri Tunnelled => new(_edge.BaseUri, "/mcp");

    public async Task InitializeAsync()
    {
        _server = await NodePeers.StartScriptAsync("v2-server.mjs", _port);
        _stack.WriteConfig($"v2: http://127.0.0.1:{_port}");
        await _stack.StartProxyAsync();
        _edge = await EdgeServer.StartAsync(
            new EdgeServerOptions(new IPEndPoint(IPAddress.Loopback, 0), _stack.ProxyUri, [X509CertificateLoader.LoadCertificate(_stack.Authority.Certificate.RawData)], TestStack.Domain, "v2"),
            null,
            CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _edge.DisposeAsync();
        _server.Kill(entireProcessTree: true);
        _server.Dispose();
        await _stack.DisposeAsync();
    }

    [Fact]
    public async Task V2ClientAndServer_ThroughTunnel_SpeakTheRevisionAndTheRoutingHeadersArriveUnchanged()
    {
        await SeenAsync(); // start from an empty record
        var direct = await RunClientAsync(Direct);
        var seenDirect = await SeenAsync();
        var tunnelled = await RunClientAsync(Tunnelled);
        var seenTunnelled = await SeenAsync();

        Assert.Equal(direct, tunnelled);
        using var json = JsonDocument.Parse(tunnelled);
        Assert.True(json.RootElement.GetProperty("ok").GetBoolean(), tunnelled);
        Assert.Equal("2026-07-28", json.RootElement.GetProperty("protocolVersion").GetString());
        Assert.Equal("Hello, tunnel!", json.RootElement.GetProperty("hello").GetString());

        Assert.Equal(seenDirect, seenTunnelled);
        Assert.Contains("""{"mcpMethod":"tools/call","mcpName":"hello","protocolVersion":"2026-07-28"}""", seenTunnelled, StringComparison.Ordinal);
        Assert.Contains("""{"mcpMethod":"tools/list","mcpName":null,"protocolVersion":"2026-07-28"}""", seenTunnelled, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tools/list", null)] // the header names another method than the body
    [InlineData("tools/call", "goodbye")] // the header names another tool than the body
    public async Task HeaderBodyMismatch_IsRefusedIdenticallyDirectAndTunnelled(string method, string? name)
    {
        var direct = await PostMismatchAsync(Direct, method, name);
        var tunnelled = await PostMismatchAsync(Tunnelled, method, name);

        Assert.Equal(HttpStatusCode.BadRequest, direct.Status);
        Assert.Contains("-32020", direct.Body, StringComparison.Ordinal);
        Assert.Equal(direct, tunnelled);
    }

    private static async Task<(HttpStatusCode Status, string Body)> PostMismatchAsync(Uri url, string headerMethod, string? headerName)
    {
        const string body = """{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"hello","arguments":{"name":"x"},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"raw","version":"1"}}}}""";
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        request.Headers.Add("MCP-Protocol-Version", "2026-07-28");
        request.Headers.Add("Mcp-Method", headerMethod);
        if (headerName is not null)
        {
            request.Headers.Add("Mcp-Name", headerName);
        }

        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<string> SeenAsync()
    {
        using var http = new HttpClient();
        return await http.GetStringAsync(new Uri($"http://127.0.0.1:{_port}/seen"));
    }

    private static async Task<string> RunClientAsync(Uri url)
    {
        var stdout = await NodePeers.RunToEndAsync("node", [Path.Combine(NodePeers.NodeDirectory, "v2-client.mjs"), url.ToString()], TimeSpan.FromSeconds(60));
        return stdout.Trim();
    }
}
