using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace McpTunnel.Setup.Api;

/// <summary>
/// HTTP plumbing shared by the token exchange and the Tunnels client: a client that never follows
/// redirects (a redirect would carry the bearer token or the JWT elsewhere), never stores cookies, and
/// turns every non-2xx answer into an <see cref="ApiFailures"/> message.
/// </summary>
internal static class ApiHttp
{
    public static HttpClient CreateClient(TimeSpan timeout)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(15),
        };
        var client = new HttpClient(handler, disposeHandler: true) { Timeout = timeout };
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("mcp-tunnel-setup", ThisAssembly.Version));
        return client;
    }

    public static async Task<T> SendAsync<T>(
        HttpClient http,
        HttpRequestMessage request,
        ApiOperation operation,
        JsonTypeInfo<T> responseType,
        string? tunnelId,
        CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            throw ApiFailures.Unreachable(operation, request.RequestUri!, exception);
        }
        catch (TaskCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw ApiFailures.Unreachable(operation, request.RequestUri!, new TimeoutException($"no answer within {http.Timeout.TotalSeconds:0} s", exception));
        }

        using (response)
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw ToFailure(operation, response, body, tunnelId);
            }

            try
            {
                return JsonSerializer.Deserialize(body, responseType)
                    ?? throw ApiFailures.Malformed(operation, "empty JSON body");
            }
            catch (JsonException exception)
            {
                throw ApiFailures.Malformed(operation, $"invalid JSON ({exception.Message})");
            }
        }
    }

    private static SetupException ToFailure(ApiOperation operation, HttpResponseMessage response, byte[] body, string? tunnelId)
    {
        ApiErrorEnvelope? envelope = null;
        try
        {
            envelope = JsonSerializer.Deserialize(body, SetupJsonContext.Default.ApiErrorEnvelope);
        }
        catch (JsonException)
        {
            // Not the standard error shape (a proxy or load balancer answered): status alone still helps.
        }

        var requestId = envelope?.RequestId
            ?? (response.Headers.TryGetValues("request-id", out var values) ? values.FirstOrDefault() : null);
        return ApiFailures.FromResponse(operation, response.StatusCode, envelope?.Error?.Type, envelope?.Error?.Message, requestId, tunnelId);
    }
}
