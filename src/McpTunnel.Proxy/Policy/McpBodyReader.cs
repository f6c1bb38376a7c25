using System.Text.Json;

namespace McpTunnel.Proxy.Policy;

/// <summary>
/// Reads a whole JSON-RPC request body (one message or a batch) the way a server will execute it, for a policy
/// decision. It is strict where servers differ, so that no body can mean one thing here and another upstream:
/// a key that decides (<c>method</c>, <c>params</c>, <c>id</c>, <c>name</c>, <c>uri</c>, <c>ref</c>…) written twice,
/// in any letter case, is refused (some parsers keep the first, others the last); key names are compared after
/// unescaping (<c>"\u006dethod"</c> is <c>method</c>) and without letter case (a case-insensitive binder would
/// accept <c>"Method"</c>); the method is recognised without letter case for the same reason; comments, trailing
/// commas, trailing bytes and undecodable strings are refused. A leading UTF-8 byte order mark is skipped, as
/// servers that decode text first do. Values other than the deciding ones are stepped over, never kept.
/// </summary>
internal static class McpBodyReader
{
    /// <summary>Deeper nesting is refused rather than guessed at (JSON-RPC arguments are rarely deeper than a few levels).</summary>
    public const int MaxDepth = 128;

    private static readonly JsonReaderOptions Options = new() { CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false, MaxDepth = MaxDepth };

    /// <param name="arguments">When the audit records arguments: what to keep of each call's <c>params.arguments</c>, taken in this same pass.</param>
    public static McpBodyReadResult Read(ReadOnlySpan<byte> body, ArgumentRecorder? arguments = null)
    {
        if (body.StartsWith("\uFEFF"u8))
        {
            body = body[3..];
        }

        var reader = new Utf8JsonReader(body, isFinalBlock: true, state: new JsonReaderState(Options));
        try
        {
            if (!reader.Read())
            {
                return McpBodyReadResult.Failed(JsonRpcErrorCodes.ParseError, "the body is empty");
            }

            List<McpMessage> messages = [];
            bool batch;
            if (reader.TokenType == JsonTokenType.StartArray)
            {
                batch = true;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        return McpBodyReadResult.Failed(JsonRpcErrorCodes.InvalidRequest, "a batch entry is not a JSON-RPC object");
                    }

                    if (ReadMessage(ref reader, arguments, out var message, out var error) is false)
                    {
                        return McpBodyReadResult.Failed(JsonRpcErrorCodes.InvalidRequest, error!);
                    }

                    messages.Add(message!);
                }

                if (messages.Count == 0)
                {
                    return McpBodyReadResult.Failed(JsonRpcErrorCodes.InvalidRequest, "the batch is empty");
                }
            }
            else if (reader.TokenType == JsonTokenType.StartObject)
            {
                batch = false;
                if (ReadMessage(ref reader, arguments, out var message, out var error) is false)
                {
                    return McpBodyReadResult.Failed(JsonRpcErrorCodes.InvalidRequest, error!);
                }

                messages.Add(message!);
            }
            else
            {
                return McpBodyReadResult.Failed(JsonRpcErrorCodes.InvalidRequest, "the body is not a JSON-RPC object or batch");
            }

            if (reader.Read())
            {
                return McpBodyReadResult.Failed(JsonRpcErrorCodes.ParseError, "bytes follow the JSON-RPC message");
            }

            return McpBodyReadResult.Succeeded(new McpBody(batch, messages));
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException or FormatException)
        {
            // Not JSON, an undecodable string (invalid UTF-8, a lone surrogate escape), nesting past MaxDepth.
            return McpBodyReadResult.Failed(JsonRpcErrorCodes.ParseError, "the body is not valid JSON");
        }
    }

    private static bool ReadMessage(ref Utf8JsonReader reader, ArgumentRecorder? arguments, out McpMessage? message, out string? error)
    {
        message = null;
        var depth = reader.CurrentDepth;
        var seen = new KeySet();
        string? method = null;
        var methodPresent = false;
        JsonElement? id = null;
        var hasResultOrError = false;
        var target = new TargetFields { Recorder = arguments };
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth)
            {
                break;
            }

            // Only property names come here: every value below is read or skipped whole.
            var key = reader.GetString()!;
            var known = seen.Add(key, out var duplicate, "jsonrpc", "id", "method", "params", "result", "error");
            if (duplicate)
            {
                error = $"the key \"{known}\" appears twice in one message";
                return false;
            }

            reader.Read();
            switch (known)
            {
                case "method":
                    methodPresent = true;
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        error = "the method is not a string";
                        return false;
                    }

                    method = reader.GetString();
                    break;
                case "id":
                    if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.Number or JsonTokenType.Null))
                    {
                        error = "the id is not a string, number or null";
                        return false;
                    }

                    id = JsonElement.ParseValue(ref reader);
                    break;
                case "params":
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        if (!ReadFields(ref reader, "params", ParamsKeys, ref target, ReadParamsField, out error))
                        {
                            return false;
                        }
                    }
                    else
                    {
                        reader.Skip();
                    }

                    break;
                case "result" or "error":
                    hasResultOrError = true;
                    reader.Skip();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        if (!methodPresent && !hasResultOrError)
        {
            error = "the message has no method, result or error";
            return false;
        }

        var kind = !methodPresent ? McpMessageKind.Response : id is null ? McpMessageKind.Notification : McpMessageKind.Request;

        var (policyTarget, name) = Classify(method, target);
        message = new McpMessage(kind, method, id, policyTarget, name) { Arguments = target.Arguments };
        error = null;
        return true;
    }

    private static readonly string[] ParamsKeys = ["name", "uri", "ref"];
    private static readonly string[] RefKeys = ["type", "name", "uri"];

    /// <summary>One deciding field's value (the reader is on it); reads or skips it whole.</summary>
    private delegate bool FieldReader(ref Utf8JsonReader reader, string key, ref TargetFields target, out string? error);

    /// <summary>
    /// Walks the object the reader is on (<c>params</c>, <c>params.ref</c>): a deciding key written twice, in any letter
    /// case, is refused; the deciding ones go to <paramref name="read"/>; the rest are stepped over, never read into anything
    /// (but <c>params.arguments</c>, when the audit asks for it, goes to its <see cref="ArgumentRecorder"/>).
    /// </summary>
    private static bool ReadFields(ref Utf8JsonReader reader, string path, string[] known, ref TargetFields target, FieldReader read, out string? error)
    {
        var depth = reader.CurrentDepth;
        var seen = new KeySet();
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            var key = reader.GetString()!;
            var match = seen.Add(key, out var duplicate, known);
            if (duplicate)
            {
                error = $"the key \"{path}.{match}\" appears twice";
                return false;
            }

            reader.Read();
            if (match is null && target.Recorder is { } recorder && path == "params" && string.Equals(key, "arguments", StringComparison.Ordinal))
            {
                target.Arguments = recorder.Record(ref reader); // not a deciding key: the last one wins, as in servers
            }
            else if (match is null)
            {
                reader.Skip();
            }
            else if (!read(ref reader, match, ref target, out error))
            {
                return false;
            }
        }

        error = null;
        return true;
    }

    private static bool ReadParamsField(ref Utf8JsonReader reader, string key, ref TargetFields target, out string? error)
    {
        error = null;
        switch (key)
        {
            case "name":
                target.Name = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                break;
            case "uri":
                target.Uri = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                break;
            case "ref" when reader.TokenType == JsonTokenType.StartObject:
                return ReadFields(ref reader, "params.ref", RefKeys, ref target, ReadRefField, out error);
        }

        reader.Skip();
        return true;
    }

    private static bool ReadRefField(ref Utf8JsonReader reader, string key, ref TargetFields target, out string? error)
    {
        error = null;
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        switch (key)
        {
            case "type":
                target.RefType = text;
                break;
            case "name":
                target.RefName = text;
                break;
            case "uri":
                target.RefUri = text;
                break;
        }

        reader.Skip();
        return true;
    }

    private static (PolicyTarget, string?) Classify(string? method, TargetFields fields)
    {
        if (method is null)
        {
            return (PolicyTarget.None, null);
        }

        // Without letter case: a server that matched methods case-insensitively must not run what we waved through.
        return method.ToLowerInvariant() switch
        {
            "tools/call" => (PolicyTarget.Tool, fields.Name),
            "prompts/get" => (PolicyTarget.Prompt, fields.Name),
            "resources/read" or "resources/subscribe" or "resources/unsubscribe" => (PolicyTarget.Resource, fields.Uri),
            "completion/complete" => fields.RefType?.ToLowerInvariant() switch
            {
                "ref/prompt" => (PolicyTarget.Prompt, fields.RefName),
                "ref/resource" => (PolicyTarget.Resource, fields.RefUri),
                _ => (PolicyTarget.None, null),
            },
            "tools/list" => (PolicyTarget.ToolsList, null),
            "prompts/list" => (PolicyTarget.PromptsList, null),
            "resources/list" => (PolicyTarget.ResourcesList, null),
            "resources/templates/list" => (PolicyTarget.ResourceTemplatesList, null),
            _ => (PolicyTarget.None, null),
        };
    }

    private struct TargetFields
    {
        /// <summary>Null when absent or not a string: a call whose name cannot be read is refused, not guessed.</summary>
        public string? Name;
        public string? Uri;
        public string? RefType;
        public string? RefName;
        public string? RefUri;

        /// <summary>Set only when the audit records arguments.</summary>
        public ArgumentRecorder? Recorder;
        public ReadOnlyMemory<byte>? Arguments;
    }

    /// <summary>The deciding keys met so far in one object, compared without letter case.</summary>
    private struct KeySet
    {
        private int _seen;

        /// <summary>Returns the known key <paramref name="key"/> stands for (or null), and whether it was met before.</summary>
        public string? Add(string key, out bool duplicate, params ReadOnlySpan<string> known)
        {
            for (var i = 0; i < known.Length; i++)
            {
                if (string.Equals(key, known[i], StringComparison.OrdinalIgnoreCase))
                {
                    duplicate = (_seen & (1 << i)) != 0;
                    _seen |= 1 << i;
                    return known[i];
                }
            }

            duplicate = false;
            return null;
        }
    }
}

/// <summary>The body's messages, or why it could not be read (with the JSON-RPC code the refusal carries).</summary>
internal sealed record McpBodyReadResult(McpBody? Body, int ErrorCode, string? Error)
{
    public static McpBodyReadResult Succeeded(McpBody body) => new(body, 0, null);

    public static McpBodyReadResult Failed(int code, string error) => new(null, code, error);
}

internal sealed record McpBody(bool IsBatch, IReadOnlyList<McpMessage> Messages);

/// <summary>The JSON-RPC 2.0 error codes the tunnel answers with.</summary>
internal static class JsonRpcErrorCodes
{
    public const int ParseError = -32700;
    public const int InvalidRequest = -32600;
    public const int InvalidParams = -32602;
}
