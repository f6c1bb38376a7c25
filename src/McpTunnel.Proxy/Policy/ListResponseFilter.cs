using System.Buffers;
using System.Text.Json;

namespace McpTunnel.Proxy.Policy;

/// <summary>
/// Takes out of a <c>tools/list</c>, <c>prompts/list</c>, <c>resources/list</c> or <c>resources/templates/list</c>
/// result every entry the route's policy would refuse, so nothing denied is advertised. Only the entries go: the
/// bytes before and after the array (<c>nextCursor</c>, <c>_meta</c>, the id) are copied as the server wrote them, and
/// each kept entry is its original text. A message that is not such a result (a notification, a server request, an
/// error) passes unchanged.
/// </summary>
internal sealed class ListResponseFilter(NameRules rules, PolicyTarget target, long maxBytes) : ResponseBodyFilter
{
    private readonly string _listKey = target switch
    {
        PolicyTarget.ToolsList => "tools",
        PolicyTarget.PromptsList => "prompts",
        PolicyTarget.ResourcesList => "resources",
        _ => "resourceTemplates",
    };

    private readonly string _nameKey = target switch
    {
        PolicyTarget.ToolsList or PolicyTarget.PromptsList => "name",
        PolicyTarget.ResourcesList => "uri",
        _ => "uriTemplate",
    };

    public override long MaxBytes => maxBytes;

    /// <summary>Entries removed so far (for the log line).</summary>
    public int Removed { get; private set; }

    public override byte[]? Rewrite(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = McpBodyReader.MaxDepth });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.CurrentDepth >= 1)
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("result"u8))
                {
                    reader.Read();
                    return reader.TokenType == JsonTokenType.StartObject ? RewriteResult(json, ref reader) : null;
                }

                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            return null;
        }
        catch (JsonException)
        {
            return null; // not JSON the client could use either; passing it changes nothing
        }
    }

    private byte[]? RewriteResult(ReadOnlySpan<byte> json, ref Utf8JsonReader reader)
    {
        var depth = reader.CurrentDepth;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }

            var isList = reader.ValueTextEquals(_listKey);
            reader.Read();
            if (!isList || reader.TokenType != JsonTokenType.StartArray)
            {
                reader.Skip();
                continue;
            }

            var arrayStart = (int)reader.TokenStartIndex;
            var kept = new List<Range>();
            var removed = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var start = (int)reader.TokenStartIndex;
                var entry = JsonElement.ParseValue(ref reader);
                var name = NameOf(entry);

                // An entry whose name cannot be read is not advertised: it could not be called through the policy either.
                if (name is not null && rules.Decide(name).Allowed)
                {
                    kept.Add(new Range(start, (int)reader.BytesConsumed));
                }
                else
                {
                    removed++;
                }
            }

            if (removed == 0)
            {
                return null;
            }

            Removed += removed;
            var arrayEnd = (int)reader.BytesConsumed;
            var output = new ArrayBufferWriter<byte>(json.Length);
            output.Write(json[..arrayStart]);
            output.Write("["u8);
            for (var i = 0; i < kept.Count; i++)
            {
                if (i > 0)
                {
                    output.Write(","u8);
                }

                output.Write(json[kept[i]]);
            }

            output.Write("]"u8);
            output.Write(json[arrayEnd..]);
            return output.WrittenSpan.ToArray();
        }

        return null;
    }

    private string? NameOf(JsonElement entry)
    {
        try
        {
            return entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty(_nameKey, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        }
        catch (InvalidOperationException)
        {
            return null; // an undecodable name: not advertised
        }
    }
}
