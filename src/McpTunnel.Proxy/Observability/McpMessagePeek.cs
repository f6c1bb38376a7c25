using System.Text.Json;

namespace McpTunnel.Proxy.Observability;

/// <summary>
/// Reads the JSON-RPC <c>method</c> and <c>params.name</c> from the start of a request body. Works on an incomplete
/// prefix (the body is still streaming): a prefix that ends before the top-level object does gives
/// <see cref="McpBodyState.Pending"/> with what it has seen so far. The object is read to its end, so that a repeated
/// key is seen and the last one counts, as in the parsers upstreams use. Values other than those two are stepped over
/// and never kept: arguments and results are not ours to record.
/// </summary>
internal static class McpMessagePeek
{
    /// <summary>Never throws: whatever cannot be read is <see cref="McpBodyPeek.Unreadable"/>.</summary>
    public static McpBodyPeek Read(ReadOnlySpan<byte> prefix, bool final)
    {
        try
        {
            return ReadMessage(prefix, final);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            // Not JSON; or a string that is not UTF-8 or holds a lone surrogate, which GetString refuses with
            // InvalidOperationException. The upstream will answer such a body with a parse error, not us.
            return McpBodyPeek.Unreadable;
        }
    }

    private static McpBodyPeek ReadMessage(ReadOnlySpan<byte> prefix, bool final)
    {
        var reader = new Utf8JsonReader(prefix, isFinalBlock: final, state: default);
        if (!reader.Read())
        {
            return McpBodyPeek.Pending;
        }

        if (reader.TokenType == JsonTokenType.StartArray)
        {
            return McpBodyPeek.Batch;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return McpBodyPeek.NotAMessage;
        }

        string? method = null, name = null;
        bool methodSeen = false, paramsSeen = false, nameSeen = false, duplicate = false, inParams = false;
        McpBodyPeek SoFar() => method is null && name is null && !duplicate ? McpBodyPeek.Pending : new(McpBodyState.Pending, method, name, duplicate);

        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.EndObject when reader.CurrentDepth == 0:
                    return method is null ? McpBodyPeek.NotAMessage : new McpBodyPeek(McpBodyState.Message, method, name, duplicate);
                case JsonTokenType.EndObject when inParams && reader.CurrentDepth == 1:
                    inParams = false;
                    break;
                case JsonTokenType.PropertyName when reader.CurrentDepth == 1:
                    if (reader.ValueTextEquals("method"u8))
                    {
                        if (!reader.Read())
                        {
                            return SoFar();
                        }

                        duplicate |= methodSeen;
                        methodSeen = true;
                        method = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                        if (!reader.TrySkip())
                        {
                            return SoFar();
                        }
                    }
                    else if (reader.ValueTextEquals("params"u8))
                    {
                        if (!reader.Read())
                        {
                            return SoFar();
                        }

                        // A second params replaces the first whole, name included.
                        duplicate |= paramsSeen;
                        paramsSeen = true;
                        name = null;
                        nameSeen = false;
                        inParams = reader.TokenType == JsonTokenType.StartObject;
                        if (!inParams && !reader.TrySkip())
                        {
                            return SoFar();
                        }
                    }
                    else if (!reader.Read() || !reader.TrySkip())
                    {
                        return SoFar();
                    }

                    break;
                case JsonTokenType.PropertyName when inParams && reader.CurrentDepth == 2:
                    if (reader.ValueTextEquals("name"u8))
                    {
                        if (!reader.Read())
                        {
                            return SoFar();
                        }

                        duplicate |= nameSeen;
                        nameSeen = true;
                        name = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                        if (!reader.TrySkip())
                        {
                            return SoFar();
                        }
                    }
                    else if (!reader.Read() || !reader.TrySkip())
                    {
                        return SoFar(); // e.g. "arguments": stepped over, never read into anything
                    }

                    break;
            }
        }

        return SoFar();
    }
}
