using System.Text.Json;

namespace McpTunnel.Proxy.Observability;

/// <summary>
/// Reads the JSON-RPC <c>method</c> and, for <c>tools/call</c>, <c>params.name</c> from the start of a request body.
/// Works on an incomplete prefix (the body is still streaming) and reports whether more bytes could still tell.
/// Values other than those two are stepped over and never kept: arguments and results are not ours to record.
/// </summary>
internal static class McpMessagePeek
{
    public enum Outcome
    {
        /// <summary>The method (and tool, where there is one) was found, or the body is not a JSON-RPC object.</summary>
        Done,

        /// <summary>The prefix ended before the answer; more bytes may still give it.</summary>
        NeedMore,
    }

    public static Outcome Read(ReadOnlySpan<byte> prefix, bool final, out string? method, out string? tool)
    {
        method = null;
        tool = null;
        var reader = new Utf8JsonReader(prefix, isFinalBlock: final, state: default);
        try
        {
            if (!reader.Read())
            {
                return final ? Outcome.Done : Outcome.NeedMore;
            }

            if (reader.TokenType == JsonTokenType.StartArray)
            {
                method = McpMethodLabel.Batch;
                return Outcome.Done;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return Outcome.Done;
            }

            string? name = null;
            var inParams = false;
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.EndObject when reader.CurrentDepth == 0:
                        return Outcome.Done;
                    case JsonTokenType.EndObject when inParams && reader.CurrentDepth == 1:
                        inParams = false;
                        break;
                    case JsonTokenType.PropertyName when reader.CurrentDepth == 1:
                        if (reader.ValueTextEquals("method"u8))
                        {
                            if (!reader.Read())
                            {
                                return Outcome.NeedMore;
                            }

                            method = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                        }
                        else if (reader.ValueTextEquals("params"u8))
                        {
                            if (!reader.Read())
                            {
                                return Outcome.NeedMore;
                            }

                            inParams = reader.TokenType == JsonTokenType.StartObject;
                            if (!inParams && !reader.TrySkip())
                            {
                                return Outcome.NeedMore;
                            }
                        }
                        else if (!reader.Read() || !reader.TrySkip())
                        {
                            return Outcome.NeedMore;
                        }

                        break;
                    case JsonTokenType.PropertyName when inParams && reader.CurrentDepth == 2:
                        if (reader.ValueTextEquals("name"u8))
                        {
                            if (!reader.Read())
                            {
                                return Outcome.NeedMore;
                            }

                            name = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                        }
                        else if (!reader.Read() || !reader.TrySkip())
                        {
                            return Outcome.NeedMore; // e.g. "arguments": stepped over, never read into anything
                        }

                        break;
                }

                if (method is not null && (method != McpMethodLabel.ToolsCall || name is not null))
                {
                    tool = method == McpMethodLabel.ToolsCall ? name : null;
                    return Outcome.Done;
                }
            }

            tool = method == McpMethodLabel.ToolsCall ? name : null;
            return final ? Outcome.Done : Outcome.NeedMore;
        }
        catch (JsonException)
        {
            return Outcome.Done; // not JSON: nothing to learn, and nothing to wait for
        }
    }
}
