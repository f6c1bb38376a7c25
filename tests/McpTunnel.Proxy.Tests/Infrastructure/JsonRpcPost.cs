using System.Text;

namespace McpTunnel.Proxy.Tests.Infrastructure;

/// <summary>
/// A JSON-RPC POST through the tunnel, as an MCP client sends one. The answer is read whole before it returns (the
/// client's default completion option), so by then the request has ended and has been counted, recorded and audited.
/// </summary>
internal static class JsonRpcPost
{
    /// <summary>Route <c>echo</c>'s <c>/echo</c>, where the test upstream answers with what it received.</summary>
    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, TestProxy proxy, string json, params (string Name, string? Value)[] headers) =>
        await SendAsync(client, proxy.UrlFor("echo", "/echo"), json, headers);

    /// <summary>Sends <paramref name="json"/> to <paramref name="url"/> with each of <paramref name="headers"/> that has a value (a null one is not sent).</summary>
    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, Uri url, string json, params (string Name, string? Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        foreach (var (name, value) in headers)
        {
            if (value is not null)
            {
                request.Headers.Add(name, value);
            }
        }

        return await client.SendAsync(request);
    }
}
