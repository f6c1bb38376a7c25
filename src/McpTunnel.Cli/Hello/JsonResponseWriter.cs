using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpTunnel.Cli.Hello;

/// <summary>
/// Plain JSON answers: JSON-RPC errors for rejected requests, and the <c>application/json</c> response mode for
/// clients that do not accept SSE. The SDK transport always writes SSE, so that mode lets it write into a buffer
/// and returns the one JSON-RPC response found there (progress notifications cannot ride a single JSON body).
/// </summary>
internal static class JsonResponseWriter
{
    private static readonly JsonTypeInfo<JsonRpcMessage> s_messageType =
        (JsonTypeInfo<JsonRpcMessage>)McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcMessage));

    public static async Task WriteAsync(HttpContext context, StreamableHttpServerTransport transport, JsonRpcMessage message)
    {
        using var buffer = new MemoryStream();
        var wrote = await transport.HandlePostRequestAsync(message, buffer, context.RequestAborted).ConfigureAwait(false);
        var response = wrote ? FindResponse(buffer.ToArray()) : null;
        if (response is null)
        {
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            return;
        }

        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, response, s_messageType, context.RequestAborted).ConfigureAwait(false);
    }

    public static async Task WriteErrorAsync(HttpContext context, int status, string reason, int code)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        JsonRpcMessage error = new JsonRpcError { Error = new() { Code = code, Message = reason } };
        await JsonSerializer.SerializeAsync(context.Response.Body, error, s_messageType, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The last response or error among the SSE events' <c>data:</c> payloads.</summary>
    private static JsonRpcMessage? FindResponse(byte[] sse)
    {
        JsonRpcMessage? found = null;
        var text = Encoding.UTF8.GetString(sse).Replace("\r\n", "\n", StringComparison.Ordinal);
        foreach (var block in text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var data = string.Join('\n', block.Split('\n')
                .Where(line => line.StartsWith("data:", StringComparison.Ordinal))
                .Select(line => line[5..].TrimStart(' ')));
            if (data.Length > 0 && JsonSerializer.Deserialize(data, s_messageType) is { } message && message is JsonRpcResponse or JsonRpcError)
            {
                found = message;
            }
        }

        return found;
    }
}
