using System.Net.Http.Headers;
using System.Net;
using System.Text.Json.Nodes;
using McpTunnel.Pki.Issuing;

namespace McpTunnel.Setup.Tests.Fakes;

/// <summary>The fake must reject what the real API rejects, or the setup tests prove nothing.</summary>
public sealed class FakeAnthropicApiTests
{
    /// <summary>Each CA upload the Tunnels API refuses, with the text its error must name ("" where any refusal will do).</summary>
    [Theory]
    [InlineData("a CA with its private key", "private key")]
    [InlineData("two certificates in one PEM", "")]
    [InlineData("a server certificate instead of a CA", "ca.")]
    [InlineData("over eight kilobytes", "8 KB")]
    public async Task CertificateCreate_PemTheApiRefuses_IsRejected(string upload, string errorText)
    {
        await using var api = await FakeAnthropicApi.StartAsync();
        using var ca = CertificateAuthority.Create();
        using var second = CertificateAuthority.Create();
        var pem = upload switch
        {
            "a CA with its private key" => ca.CertificatePem + ca.PrivateKeyPem,
            "two certificates in one PEM" => ca.CertificatePem + second.CertificatePem,
            "a server certificate instead of a CA" => ca.IssueServerCertificate(new ServerCertificateRequest("example.tunnel.anthropic.com")).CertificatePem,
            "over eight kilobytes" => ca.CertificatePem + new string('\n', 8192),
            _ => throw new ArgumentOutOfRangeException(nameof(upload), upload, "no such case"),
        };

        var (status, error) = await RegisterAsync(api, pem);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(errorText, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TunnelsCall_WithoutBetaHeader_IsRejected()
    {
        await using var api = await FakeAnthropicApi.StartAsync();
        using var http = new HttpClient();
        var token = await ExchangeAsync(api, http);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(api.BaseUrl, "v1/tunnels"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("anthropic-version", "2023-06-01");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(api.Tunnels);
    }

    [Fact]
    public async Task Reveal_RepeatedUntilRotate_ReturnsTheSameValue()
    {
        await using var api = await FakeAnthropicApi.StartAsync();
        using var http = new HttpClient();
        var token = await ExchangeAsync(api, http);
        var tunnel = api.AddTunnel();

        var first = await CallAsync(http, api, token, $"v1/tunnels/{tunnel.Id}/reveal_token");
        var second = await CallAsync(http, api, token, $"v1/tunnels/{tunnel.Id}/reveal_token");
        var rotated = await CallAsync(http, api, token, $"v1/tunnels/{tunnel.Id}/rotate_token");

        Assert.Equal(first["tunnel_token"]!.GetValue<string>(), second["tunnel_token"]!.GetValue<string>());
        Assert.NotEqual(first["tunnel_token"]!.GetValue<string>(), rotated["tunnel_token"]!.GetValue<string>());
        Assert.NotEqual(first["id"]!.GetValue<string>(), rotated["id"]!.GetValue<string>());
    }

    private static async Task<(HttpStatusCode Status, string Error)> RegisterAsync(FakeAnthropicApi api, string pem)
    {
        using var http = new HttpClient();
        var token = await ExchangeAsync(api, http);
        var tunnel = api.AddTunnel();
        using var request = TunnelsRequest(api, token, $"v1/tunnels/{tunnel.Id}/certificates");
        request.Content = JsonContent.Create(new { ca_certificate_pem = pem });
        using var response = await http.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Empty(api.ActiveCertificates(tunnel.Id));
        return (response.StatusCode, body["error"]?["message"]?.GetValue<string>() ?? string.Empty);
    }

    private static async Task<JsonNode> CallAsync(HttpClient http, FakeAnthropicApi api, string token, string path)
    {
        using var request = TunnelsRequest(api, token, path);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private static HttpRequestMessage TunnelsRequest(FakeAnthropicApi api, string token, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(api.BaseUrl, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("anthropic-version", "2023-06-01");
        request.Headers.Add("anthropic-beta", "mcp-tunnels-2026-06-22");
        return request;
    }

    private static async Task<string> ExchangeAsync(FakeAnthropicApi api, HttpClient http)
    {
        using var response = await http.PostAsJsonAsync(new Uri(api.BaseUrl, "v1/oauth/token"), new
        {
            grant_type = "urn:ietf:params:oauth:grant-type:jwt-bearer",
            assertion = FakeAnthropicApi.Jwt,
            federation_rule_id = FakeAnthropicApi.FederationRuleId,
            organization_id = FakeAnthropicApi.OrganizationId,
        });
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(FakeAnthropicApi.ManageTunnelsScope, body["scope"]!.GetValue<string>());
        return body["access_token"]!.GetValue<string>();
    }
}
