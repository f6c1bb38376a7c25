using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using McpTunnel.Cli.Edge;
using McpTunnel.Cli.Hello;
using McpTunnel.Cli.Tests.Conformance;
using McpTunnel.Cli.Tests.Infrastructure;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpTunnel.Cli.Tests.Audit;

/// <summary>
/// Audit records of what real MCP clients did through the whole tunnel (edge → WebSocket → inner TLS → mcp-proxy →
/// the sample server): the official C# SDK on both protocol revisions and the TypeScript SDK. Each call the client made
/// is one record naming the tool and the policy's decision, the session appears only as its keyed hash, a redacted
/// argument never reaches the file, and <c>mcptunnel audit verify</c> finds the chain intact.
/// </summary>
public sealed class AuditRealClientTests : IAsyncLifetime
{
    private const string Canary = "audit-canary-token-5521";
    private readonly TestStack _stack = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("mcptunnel-audit-").FullName;
    private HelloServer _hello = null!;
    private EdgeServer _edge = null!;

    private string AuditPath => Path.Combine(_directory, "audit.jsonl");

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    public async Task InitializeAsync()
    {
        _hello = await HelloServer.StartAsync(HelloServerOptions.Loopback(), CancellationToken.None);
        _stack.WriteConfig(
            $"hello: http://127.0.0.1:{_hello.Endpoint.Port}",
            $$"""
            {{TestStack.LoopbackAllowed}}policy:
              hello:
                tools:
                  deny: [countdown]
            audit:
              file:
                path: {{AuditPath}}
              arguments: redacted
            """);
        await _stack.StartProxyAsync();
        var ca = X509CertificateLoader.LoadCertificate(_stack.Authority.Certificate.RawData);
        _edge = await EdgeServer.StartAsync(new EdgeServerOptions(new IPEndPoint(IPAddress.Loopback, 0), _stack.ProxyUri, [ca], TestStack.Domain, "hello"), null, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _edge.DisposeAsync();
        await _stack.DisposeAsync();
        await _hello.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Theory]
    [InlineData("2025-11-25")] // sessions: Mcp-Session-Id on every request after initialize
    [InlineData("2026-07-28")] // stateless, Mcp-Method / Mcp-Name headers beside the body
    public async Task CSharpSdkClient_EachCallIsOneRecord_WithTheDecision_AndTheChainVerifies(string revision)
    {
        string? sessionId;
        await using (var client = await ConnectAsync(revision))
        {
            sessionId = client.SessionId;
            await client.ListToolsAsync(cancellationToken: Timeout());
            await client.CallToolAsync("hello", new Dictionary<string, object?> { ["name"] = "tunnel", ["token"] = Canary }, cancellationToken: Timeout());
            await client.CallToolAsync("countdown", new Dictionary<string, object?> { ["steps"] = 1 }, cancellationToken: Timeout());
        }

        var records = await StopAndReadAsync();

        var hello = Assert.Single(records, r => Is(r, "tools/call", "hello"));
        Assert.Equal("allowed", hello.GetProperty("decision").GetString());
        Assert.Equal(200, hello.GetProperty("status").GetInt32());
        Assert.Equal("ok", hello.GetProperty("outcome").GetString());
        Assert.Equal("hello", hello.GetProperty("route").GetString());
        Assert.Equal("""{"name":"tunnel","token":"[redacted]"}""", hello.GetProperty("arguments").GetRawText());
        var denied = Assert.Single(records, r => Is(r, "tools/call", "countdown"));
        Assert.Equal("denied", denied.GetProperty("decision").GetString());
        Assert.Single(records, r => Is(r, "tools/list", null));
        // How the client began: the initialize handshake, or on 2026-07-28 (stateless) server/discover.
        Assert.Contains(records, r => Is(r, revision == "2025-11-25" ? "initialize" : "server/discover", null));
        if (sessionId is not null)
        {
            // The session's requests group under one hash, and the id itself is nowhere in the file.
            Assert.Single(records.Where(r => r.TryGetProperty("session", out var s) && s.ValueKind == JsonValueKind.String).Select(r => r.GetProperty("session").GetString()).Distinct());
            Assert.DoesNotContain(sessionId, await File.ReadAllTextAsync(AuditPath), StringComparison.Ordinal);
        }

        await AssertVerifiesAsync(records.Count);
    }

    [Fact]
    public async Task TypeScriptSdkClient_ItsInitializeListAndCall_AreRecords_AndTheChainVerifies()
    {
        var stdout = await NodePeers.RunToEndAsync("node", ["mcp-client.mjs", new Uri(_edge.BaseUri, "/mcp").ToString(), "--name", "typescript"], TimeSpan.FromSeconds(60));
        Assert.Contains("\"ok\":true", stdout, StringComparison.Ordinal);

        var records = await StopAndReadAsync();

        var call = Assert.Single(records, r => Is(r, "tools/call", "hello"));
        Assert.Equal("allowed", call.GetProperty("decision").GetString());
        Assert.Equal("""{"name":"typescript"}""", call.GetProperty("arguments").GetRawText());
        Assert.Contains(records, r => Is(r, "initialize", null));
        Assert.Contains(records, r => Is(r, "tools/list", null));
        Assert.All(records.Where(r => r.GetProperty("type").GetString() == "request"), r => Assert.Equal("127.0.0.1", r.GetProperty("caller").GetString()));
        await AssertVerifiesAsync(records.Count);
    }

    private async Task<McpClient> ConnectAsync(string revision)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions { Endpoint = new Uri(_edge.BaseUri, "/mcp"), TransportMode = HttpTransportMode.StreamableHttp });
        return await McpClient.CreateAsync(transport, new McpClientOptions { ProtocolVersion = revision }, cancellationToken: Timeout());
    }

    /// <summary>Stops the proxy (the writer flushes every queued record on the way out), then reads the file's records.</summary>
    private async Task<List<JsonElement>> StopAndReadAsync()
    {
        await _stack.StopProxyAsync();
        return [.. (await File.ReadAllLinesAsync(AuditPath)).Select(line => JsonDocument.Parse(line).RootElement.Clone())];
    }

    private async Task AssertVerifiesAsync(int records)
    {
        // The anchor names the proxy and the exact config file it ran with.
        var anchor = JsonDocument.Parse(File.ReadLines(AuditPath).First()).RootElement;
        Assert.Equal("anchor", anchor.GetProperty("type").GetString());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(_stack.ConfigPath))), anchor.GetProperty("config_sha256").GetString());

        var (exit, output, error) = await CliRunner.RunAsync("audit", "verify", AuditPath);
        Assert.True(exit == 0, output + error);
        Assert.Contains($"{records} record(s) in 1 file(s): the chain is intact", output, StringComparison.Ordinal);
    }

    private static bool Is(JsonElement record, string method, string? name) =>
        record.TryGetProperty("mcp_method", out var m) && m.ValueKind == JsonValueKind.String && m.GetString() == method
        && (name is null || (record.TryGetProperty("name", out var n) && n.GetString() == name));
}
