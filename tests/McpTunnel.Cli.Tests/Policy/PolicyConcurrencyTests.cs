using System.Net;
using System.Security.Cryptography.X509Certificates;
using McpTunnel.Cli.Edge;
using McpTunnel.Cli.Tests.Infrastructure;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpTunnel.Cli.Tests.Policy;

/// <summary>
/// The cap on calls in flight under a real SDK client through the whole tunnel (edge → WebSocket → inner TLS →
/// mcp-proxy → a C# SDK server whose tool waits for the test): while the configured number of calls is inside the
/// tool, every further call is refused with 429 and never reaches the server; once they answer, calls pass again.
/// </summary>
public sealed class PolicyConcurrencyTests : IAsyncLifetime
{
    private const int Cap = 2;
    private readonly TestStack _stack = new();
    private GatedToolServer _server = null!;
    private EdgeServer _edge = null!;

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    public async Task InitializeAsync()
    {
        _server = await GatedToolServer.StartAsync();
        _stack.WriteConfig(
            $"gated: http://127.0.0.1:{_server.Endpoint.Port}",
            $$"""
            {{TestStack.LoopbackAllowed}}policy:
              gated:
                tool_limits:
                  {{GatedToolServer.ToolName}}: { concurrency: {{Cap}} }
            """);
        await _stack.StartProxyAsync();
        var ca = X509CertificateLoader.LoadCertificate(_stack.Authority.Certificate.RawData);
        _edge = await EdgeServer.StartAsync(new EdgeServerOptions(new IPEndPoint(IPAddress.Loopback, 0), _stack.ProxyUri, [ca], TestStack.Domain, "gated"), null, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _edge.DisposeAsync();
        await _stack.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task CallsBeyondTheConcurrencyCap_AreRefused429WhileTheCapIsHeld_AndPassAgainOnceTheyAnswer()
    {
        await using var client = await ConnectAsync();

        // The cap's worth of calls, held inside the tool.
        var held = Enumerable.Range(0, Cap).Select(_ => client.CallToolAsync(GatedToolServer.ToolName, cancellationToken: Timeout()).AsTask()).ToList();
        await _server.WaitForEnteredAsync(Cap).WaitAsync(Timeout());

        // Everything beyond it, concurrently: each refused at the tunnel, none forwarded, nothing else fails.
        var beyond = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => OutcomeAsync(client)));
        Assert.All(beyond, outcome => Assert.Equal("429", outcome));
        Assert.Equal(Cap, _server.Entered);

        // The held calls answer normally, and their slots come back.
        _server.Open();
        foreach (var result in await Task.WhenAll(held))
        {
            Assert.NotEqual(true, result.IsError);
            Assert.Equal("report ready", string.Concat(result.Content.OfType<TextContentBlock>().Select(c => c.Text)));
        }

        Assert.Equal("answered", await OutcomeAsync(client));
        Assert.Equal(Cap + 1, _server.Entered);
    }

    private static async Task<string> OutcomeAsync(McpClient client)
    {
        try
        {
            var result = await client.CallToolAsync(GatedToolServer.ToolName, cancellationToken: Timeout());
            return result.IsError == true ? "tool error" : "answered";
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

            return "other: " + ex.GetType().Name + " " + ex.Message;
        }
    }

    private async Task<McpClient> ConnectAsync()
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions { Endpoint = new Uri(_edge.BaseUri, "/mcp"), TransportMode = HttpTransportMode.StreamableHttp });
        return await McpClient.CreateAsync(transport, new McpClientOptions { ProtocolVersion = "2025-11-25" }, cancellationToken: Timeout());
    }
}
