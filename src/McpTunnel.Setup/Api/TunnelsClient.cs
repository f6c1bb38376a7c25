using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization.Metadata;

namespace McpTunnel.Setup.Api;

/// <summary>
/// The Tunnels API calls setup needs. Every request carries the WIF bearer token,
/// <c>anthropic-version</c> and the tunnels beta header; bodies are JSON.
/// </summary>
internal sealed class TunnelsClient(HttpClient http, Uri apiUrl, AccessToken token)
{
    public const string AnthropicVersion = "2023-06-01";
    public const string TunnelsBeta = "mcp-tunnels-2026-06-22";

    /// <summary>Certificates per list page; a tunnel has at most two active ones, so one page is the norm.</summary>
    public int PageSize { get; init; } = 100;

    public Task<Tunnel> CreateTunnelAsync(string? displayName, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "v1/tunnels", JsonContent.Create(new CreateTunnelRequest(displayName), SetupJsonContext.Default.CreateTunnelRequest), ApiOperation.CreateTunnel, SetupJsonContext.Default.Tunnel, null, cancellationToken);

    public Task<Tunnel> GetTunnelAsync(string tunnelId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"v1/tunnels/{Escape(tunnelId)}", null, ApiOperation.GetTunnel, SetupJsonContext.Default.Tunnel, tunnelId, cancellationToken);

    public Task<TunnelToken> RevealTokenAsync(string tunnelId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"v1/tunnels/{Escape(tunnelId)}/reveal_token", null, ApiOperation.RevealToken, SetupJsonContext.Default.TunnelToken, tunnelId, cancellationToken);

    public Task<TunnelToken> RotateTokenAsync(string tunnelId, string? reason, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"v1/tunnels/{Escape(tunnelId)}/rotate_token", JsonContent.Create(new RotateTokenRequest(reason), SetupJsonContext.Default.RotateTokenRequest), ApiOperation.RotateToken, SetupJsonContext.Default.TunnelToken, tunnelId, cancellationToken);

    public Task<TunnelCertificate> RegisterCertificateAsync(string tunnelId, string caCertificatePem, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"v1/tunnels/{Escape(tunnelId)}/certificates", JsonContent.Create(new CreateCertificateRequest(caCertificatePem), SetupJsonContext.Default.CreateCertificateRequest), ApiOperation.RegisterCertificate, SetupJsonContext.Default.TunnelCertificate, tunnelId, cancellationToken);

    /// <summary>Every active (non-archived) certificate of the tunnel, following <c>next_page</c>.</summary>
    public async Task<IReadOnlyList<TunnelCertificate>> ListCertificatesAsync(string tunnelId, CancellationToken cancellationToken)
    {
        var all = new List<TunnelCertificate>();
        string? page = null;
        for (var pages = 0; pages < 100; pages++)
        {
            var path = $"v1/tunnels/{Escape(tunnelId)}/certificates?limit={PageSize}" + (page is null ? string.Empty : "&page=" + Uri.EscapeDataString(page));
            var result = await SendAsync(HttpMethod.Get, path, null, ApiOperation.ListCertificates, SetupJsonContext.Default.TunnelCertificatePage, tunnelId, cancellationToken);
            all.AddRange(result.Data ?? []);
            page = result.NextPage;
            if (string.IsNullOrEmpty(page))
            {
                break;
            }
        }

        return all;
    }

    private static string Escape(string tunnelId) => Uri.EscapeDataString(tunnelId);

    private Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? content, ApiOperation operation, JsonTypeInfo<T> responseType, string? tunnelId, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(method, new Uri(apiUrl, path)) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
        request.Headers.Add("anthropic-version", AnthropicVersion);
        request.Headers.Add("anthropic-beta", TunnelsBeta);
        return SendAndDisposeAsync(request, operation, responseType, tunnelId, cancellationToken);
    }

    private async Task<T> SendAndDisposeAsync<T>(HttpRequestMessage request, ApiOperation operation, JsonTypeInfo<T> responseType, string? tunnelId, CancellationToken cancellationToken)
    {
        using (request)
        {
            return await ApiHttp.SendAsync(http, request, operation, responseType, tunnelId, cancellationToken);
        }
    }
}
