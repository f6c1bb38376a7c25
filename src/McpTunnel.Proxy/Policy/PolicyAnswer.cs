using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace McpTunnel.Proxy.Policy;

/// <summary>
/// The answers the tunnel gives in the server's place when policy or a limit refuses a request, written so that an
/// MCP client hands them to the model as text it can act on, never as a bare status page:
/// <list type="bullet">
/// <item>a denied <c>tools/call</c> is a tool result with <c>isError: true</c>: the specification says clients
/// should show tool execution errors to the model (protocol errors only may be shown), so the model reads
/// "the tunnel's policy does not allow the tool …" and can choose another tool;</item>
/// <item>a denied prompt or resource is a JSON-RPC error with the code the specification gives for an unknown one
/// (<c>-32602</c> invalid prompt name, <c>-32002</c> resource not found), which matches the lists, where it is not
/// advertised either;</item>
/// <item>everything else (unreadable, too large, header mismatch, over a limit) is a JSON-RPC error.</item>
/// </list>
/// A batch gets an array with one answer per request in it (notifications get none).
/// </summary>
internal static class PolicyAnswer
{
    public const int ResourceNotFound = -32002;
    public const int HeaderMismatch = -32020;

    /// <summary>Application-defined (JSON-RPC reserves -32000 to -32099 for servers): a limit of the tunnel refused the call.</summary>
    public const int LimitReached = -32029;

    public static byte[] ForMessages(McpBody body, Func<McpMessage, int, (int Code, string Message, bool AsToolResult)> answer, bool withResultType = false)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            if (body.IsBatch)
            {
                writer.WriteStartArray();
            }

            for (var i = 0; i < body.Messages.Count; i++)
            {
                var message = body.Messages[i];
                if (message.Kind != McpMessageKind.Request && body.IsBatch)
                {
                    continue;
                }

                var (code, text, asToolResult) = answer(message, i);
                if (asToolResult)
                {
                    WriteToolError(writer, message.Id, text, withResultType);
                }
                else
                {
                    WriteError(writer, message.Id, code, text);
                }
            }

            if (body.IsBatch)
            {
                writer.WriteEndArray();
            }
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Whether a result must carry <c>resultType</c>: revision 2026-07-28 made it required (its clients refuse a result
    /// without it), earlier revisions do not know it. The request says its revision in <c>MCP-Protocol-Version</c>.
    /// </summary>
    public static bool NeedsResultType(HttpRequest request) =>
        request.Headers.TryGetValue("MCP-Protocol-Version", out var version) && string.CompareOrdinal(version.ToString(), "2026-07-28") >= 0;

    /// <summary>One JSON-RPC error with a null id: for a body that could not be read far enough to know its ids.</summary>
    public static byte[] Error(JsonElement? id, int code, string message)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteError(writer, id, code, message);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static async Task WriteAsync(HttpContext context, int status, byte[] body, TimeSpan retryAfter = default)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength = body.Length;
        if (retryAfter > TimeSpan.Zero)
        {
            response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        await response.Body.WriteAsync(body, context.RequestAborted);
    }

    private static void WriteError(Utf8JsonWriter writer, JsonElement? id, int code, string message)
    {
        writer.WriteStartObject();
        writer.WriteString("jsonrpc", "2.0");
        WriteId(writer, id);
        writer.WriteStartObject("error");
        writer.WriteNumber("code", code);
        writer.WriteString("message", message);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteToolError(Utf8JsonWriter writer, JsonElement? id, string message, bool withResultType)
    {
        writer.WriteStartObject();
        writer.WriteString("jsonrpc", "2.0");
        WriteId(writer, id);
        writer.WriteStartObject("result");
        writer.WriteStartArray("content");
        writer.WriteStartObject();
        writer.WriteString("type", "text");
        writer.WriteString("text", message);
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteBoolean("isError", true);
        if (withResultType)
        {
            writer.WriteString("resultType", "complete"); // required from revision 2026-07-28 on
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteId(Utf8JsonWriter writer, JsonElement? id)
    {
        writer.WritePropertyName("id");
        if (id is { } value)
        {
            value.WriteTo(writer);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
