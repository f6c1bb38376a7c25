using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using McpTunnel.Cli.Edge;
using McpTunnel.Cli.Tests.Conformance;
using McpTunnel.Cli.Tests.Infrastructure;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpTunnel.Cli.Tests.LongCalls;

/// <summary>
/// A tool that answers after longer than the proxy's old 60 s response-header limit, on an official TypeScript SDK
/// server in JSON-response mode (tests/node/slow-tool-server.mjs: no byte before the result), called by the official
/// C# SDK client through <c>mcptunnel edge</c> and <c>mcp-proxy</c> with default settings. It takes 65 s of real time
/// on purpose: the point is that nothing on the real path (edge client, tunnel keep-alive, inner Kestrel, upstream
/// hop) cuts a silent request, which a fake clock cannot show. The deadline itself is tested on a fake clock in
/// McpTunnel.Proxy.Tests (Forwarding/ResponseHeaderTimeoutTests).
/// </summary>
public sealed class LongToolCallTests : IAsyncLifetime
{
    private const int ToolSeconds = 65;
    private readonly TestStack _stack = new();
    private readonly int _port = TestStack.FreePort();
    private Process _server = null!;

    public async Task InitializeAsync() =>
        _server = await NodePeers.StartScriptAsync("slow-tool-server.mjs", _port, new Dictionary<string, string> { ["ALLOWED_HOSTS"] = $"echo.{TestStack.Domain}" });

    public async Task DisposeAsync()
    {
        _server.Kill(entireProcessTree: true);
        _server.Dispose();
        await _stack.DisposeAsync();
    }

    [Fact]
    public async Task JsonResponseToolAnsweringAfter65s_ThroughEdgeAndProxyWithDefaults_ReturnsTheResult()
    {
        _stack.WriteConfig($"echo: http://127.0.0.1:{_port}"); // no upstream timeout configured: the defaults
        await _stack.StartProxyAsync();
        await using var edge = await EdgeServer.StartAsync(
            new EdgeServerOptions(new IPEndPoint(IPAddress.Loopback, 0), _stack.ProxyUri, [X509CertificateLoader.LoadCertificate(_stack.Authority.Certificate.RawData)], TestStack.Domain, "echo"),
            null,
            CancellationToken.None);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(ToolSeconds + 60));
        var transport = new HttpClientTransport(new HttpClientTransportOptions { Endpoint = new Uri(edge.BaseUri, "/mcp"), TransportMode = HttpTransportMode.StreamableHttp });
        await using var client = await McpClient.CreateAsync(transport, cancellationToken: deadline.Token);

        var started = Stopwatch.GetTimestamp();
        var result = await client.CallToolAsync("wait", new Dictionary<string, object?> { ["seconds"] = ToolSeconds }, cancellationToken: deadline.Token);
        var elapsed = Stopwatch.GetElapsedTime(started);

        Assert.NotEqual(true, result.IsError);
        var text = Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text;
        Assert.StartsWith($"waited {ToolSeconds}.", text, StringComparison.Ordinal);
        Assert.True(elapsed >= TimeSpan.FromSeconds(ToolSeconds), $"answered after {elapsed}, before the tool could have");
    }
}
