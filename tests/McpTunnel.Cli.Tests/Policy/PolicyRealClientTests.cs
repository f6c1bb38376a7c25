using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using McpTunnel.Cli.Edge;
using McpTunnel.Cli.Hello;
using McpTunnel.Cli.Tests.Conformance;
using McpTunnel.Cli.Tests.Infrastructure;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpTunnel.Cli.Tests.Policy;

/// <summary>
/// The MCP policy seen by real clients through the whole tunnel (edge → WebSocket → inner TLS → mcp-proxy): the
/// official C# SDK on both protocol revisions against the sample server, the TypeScript SDK v1 against it too, and
/// the TypeScript SDK v2 client and server on revision 2026-07-28. Each sees a denied tool as an error result, lists
/// without it, and allowed tools working; under concurrent load exactly the configured number of calls passes.
/// </summary>
public sealed class PolicyRealClientTests : IAsyncLifetime
{
    private readonly TestStack _stack = new();
    private readonly int _v2Port = TestStack.FreePort();
    private HelloServer _hello = null!;
    private System.Diagnostics.Process _v2Server = null!;
    private EdgeServer _helloEdge = null!;
    private EdgeServer _v2Edge = null!;

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    public async Task InitializeAsync()
    {
        _hello = await HelloServer.StartAsync(HelloServerOptions.Loopback(), CancellationToken.None);
        _v2Server = await NodePeers.StartScriptAsync("v2-server.mjs", _v2Port);
        _stack.WriteConfig(
            $"hello: http://127.0.0.1:{_hello.Endpoint.Port}\nv2: http://127.0.0.1:{_v2Port}",
            $$"""
            {{TestStack.LoopbackAllowed}}policy:
              hello:
                tools:
                  deny: [countdown]
                tool_limits:
                  burst_me: { rate: 5/1h }
              v2:
                tools:
                  allow: [hello]
            """);
        await _stack.StartProxyAsync();
        var ca = X509CertificateLoader.LoadCertificate(_stack.Authority.Certificate.RawData);
        _helloEdge = await EdgeServer.StartAsync(new EdgeServerOptions(new IPEndPoint(IPAddress.Loopback, 0), _stack.ProxyUri, [ca], TestStack.Domain, "hello"), null, CancellationToken.None);
        _v2Edge = await EdgeServer.StartAsync(new EdgeServerOptions(new IPEndPoint(IPAddress.Loopback, 0), _stack.ProxyUri, [ca], TestStack.Domain, "v2"), null, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _helloEdge.DisposeAsync();
        await _v2Edge.DisposeAsync();
        _v2Server.Kill(entireProcessTree: true);
        _v2Server.Dispose();
        await _stack.DisposeAsync();
        await _hello.DisposeAsync();
    }

    [Theory]
    [InlineData("2025-11-25")] // sessions, initialize handshake
    [InlineData("2026-07-28")] // stateless, Mcp-Method / Mcp-Name headers beside the body
    public async Task CSharpSdkClient_SeesTheDeniedToolAsAnErrorResult_AndNotInTheList(string revision)
    {
        await using var client = await ConnectAsync(revision);

        var tools = await client.ListToolsAsync(cancellationToken: Timeout());
        var hello = await client.CallToolAsync("hello", new Dictionary<string, object?> { ["name"] = "tunnel" }, cancellationToken: Timeout());
        var denied = await client.CallToolAsync("countdown", new Dictionary<string, object?> { ["steps"] = 1 }, cancellationToken: Timeout());

        Assert.Contains(tools, t => t.Name == "hello");
        Assert.DoesNotContain(tools, t => t.Name == "countdown");
        Assert.Equal("Hello, tunnel!", TextOf(hello));
        Assert.True(denied.IsError);
        Assert.Contains("\"countdown\" is not available", TextOf(denied), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TypeScriptSdkV1Client_SeesTheDeniedToolAsAnErrorResult_AndNotInTheList()
    {
        var result = await RunPolicyClientAsync(new Uri(_helloEdge.BaseUri, "/mcp"), "v1", "hello", "countdown");

        Assert.True(result.GetProperty("ok").GetBoolean(), result.ToString());
        Assert.Equal(["hello"], result.GetProperty("tools").EnumerateArray().Select(t => t.GetString()).Where(n => n is "hello" or "countdown"));
        Assert.Equal("Hello, tunnel!", result.GetProperty("allowed").GetString());
        Assert.True(result.GetProperty("denied").GetProperty("isError").GetBoolean());
        Assert.Contains("\"countdown\" is not available", result.GetProperty("denied").GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TypeScriptSdkV2ClientAndServer_On20260728_SeeTheDeniedToolAsAnErrorResult_AndNotInTheList()
    {
        var result = await RunPolicyClientAsync(new Uri(_v2Edge.BaseUri, "/mcp"), "v2", "hello", "goodbye");

        Assert.True(result.GetProperty("ok").GetBoolean(), result.ToString());
        Assert.True(result.GetProperty("denied").TryGetProperty("isError", out _), result.ToString());
        Assert.Equal("2026-07-28", result.GetProperty("protocolVersion").GetString());
        Assert.Equal(["hello"], result.GetProperty("tools").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("Hello, tunnel!", result.GetProperty("allowed").GetString());
        Assert.True(result.GetProperty("denied").GetProperty("isError").GetBoolean());
        Assert.Contains("\"goodbye\" is not available", result.GetProperty("denied").GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConcurrentCallsOverARateLimit_ExactlyTheBurstPasses_TheRestAre429_NothingElseFails()
    {
        // burst_me is not a tool of the sample server: the calls that pass the limit reach it and get its own
        // "unknown tool" answer, which is what shows they were forwarded.
        await using var client = await ConnectAsync("2025-11-25");
        var calls = Enumerable.Range(0, 20).Select(async _ =>
        {
            try
            {
                await client.CallToolAsync("burst_me", cancellationToken: Timeout());
                return "forwarded";
            }
            catch (Exception ex)
            {
                for (var e = (Exception?)ex; e is not null; e = e.InnerException)
                {
                    if (e is HttpRequestException { StatusCode: HttpStatusCode.TooManyRequests })
                    {
                        return "429";
                    }
                }

                return ex is McpException ? "forwarded" : "other: " + ex.GetType().Name + " " + ex.Message;
            }
        });

        var outcomes = await Task.WhenAll(calls);

        Assert.True(outcomes.All(o => o is "forwarded" or "429"), string.Join("; ", outcomes));
        Assert.Equal(5, outcomes.Count(o => o == "forwarded"));
        Assert.Equal(15, outcomes.Count(o => o == "429"));
    }

    private async Task<McpClient> ConnectAsync(string revision)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions { Endpoint = new Uri(_helloEdge.BaseUri, "/mcp"), TransportMode = HttpTransportMode.StreamableHttp });
        return await McpClient.CreateAsync(transport, new McpClientOptions { ProtocolVersion = revision }, cancellationToken: Timeout());
    }

    private static async Task<JsonElement> RunPolicyClientAsync(Uri url, string sdk, string allowed, string denied)
    {
        var stdout = await NodePeers.RunToEndAsync("node", ["policy-client.mjs", url.ToString(), "--sdk", sdk, "--allowed", allowed, "--denied", denied], TimeSpan.FromSeconds(60));
        var line = stdout.Split('\n').LastOrDefault(l => l.StartsWith("{\"ok\"", StringComparison.Ordinal)) ?? throw new InvalidOperationException("policy-client.mjs printed no result: " + stdout);
        return JsonDocument.Parse(line).RootElement.Clone();
    }

    private static string TextOf(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(c => c.Text));
}
