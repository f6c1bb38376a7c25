using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using McpTunnel.Cli.Tests.Infrastructure;
using McpTunnel.TunnelClient;

namespace McpTunnel.Cli.Tests.Top;

/// <summary>MCP requests through a started <see cref="TestStack"/>'s tunnel, the way cloudflared carries them: initialize, then tool calls.</summary>
internal sealed class TopTraffic : IDisposable
{
    private readonly HttpClient _client;
    private readonly string _url;

    public TopTraffic(TestStack stack, string route = "echo", X509Certificate2? trust = null)
    {
        var connector = new TunnelConnector(stack.ProxyUri, new TunnelServerValidator([trust ?? X509CertificateLoader.LoadCertificate(stack.Authority.Certificate.RawData)]));
        _client = new HttpClient(connector.CreateHttpHandler()) { DefaultRequestVersion = HttpVersion.Version11, Timeout = TimeSpan.FromSeconds(30) };
        _url = $"https://{route}.{TestStack.Domain}/mcp";
    }

    public Task<HttpStatusCode> InitializeAsync() =>
        PostAsync("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{}}}""");

    public Task<HttpStatusCode> CallToolAsync(string tool) =>
        PostAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":""" + JsonSerializer.Serialize(tool) + ""","arguments":{"city":"canary-secret-4711"}}}""");

    private async Task<HttpStatusCode> PostAsync(string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync(_url, content);
        await response.Content.ReadAsStringAsync();
        return response.StatusCode;
    }

    public void Dispose() => _client.Dispose();
}
