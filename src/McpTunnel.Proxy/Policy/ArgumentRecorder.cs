using System.Buffers;
using System.Text.Json;
using McpTunnel.Proxy.Configuration;

namespace McpTunnel.Proxy.Policy;

/// <summary>
/// What <c>audit.arguments</c> keeps of a call's <c>params.arguments</c>, taken by <see cref="McpBodyReader"/> in its one
/// pass over the body (never a second parse): <c>shapes</c> keeps keys and JSON types (<c>{"city":"string"}</c>),
/// <c>redacted</c> keeps values but replaces those under a key containing one of <c>redact_keys</c> (any letter case)
/// with <c>"[redacted]"</c>. Bounded: a result over <see cref="MaxBytes"/> becomes <c>"[truncated]"</c>, and arrays keep
/// their first <see cref="MaxArrayItems"/> entries. Only routes with a policy read the body whole, so only they have
/// arguments to record.
/// </summary>
internal sealed class ArgumentRecorder(AuditArguments mode, IReadOnlyList<string> redactKeys)
{
    public const int MaxBytes = 4096;
    public const int MaxArrayItems = 16;

    private static readonly byte[] Truncated = "\"[truncated]\""u8.ToArray();

    public AuditArguments Mode { get; } = mode;

    /// <summary>Reads the value the reader is on (whole) and returns what is kept of it, as JSON.</summary>
    public ReadOnlyMemory<byte> Record(ref Utf8JsonReader reader)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Value(ref reader, writer, redact: false);
        }

        return buffer.WrittenCount > MaxBytes ? Truncated : buffer.WrittenMemory;
    }

    private void Value(ref Utf8JsonReader reader, Utf8JsonWriter writer, bool redact)
    {
        if (redact)
        {
            writer.WriteStringValue("[redacted]");
            reader.Skip();
            return;
        }

        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                writer.WriteStartObject();
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var key = TextOf(ref reader);
                    writer.WritePropertyName(key);
                    reader.Read();
                    Value(ref reader, writer, Mode == AuditArguments.Redacted && IsRedacted(key));
                }

                writer.WriteEndObject();
                break;
            case JsonTokenType.StartArray:
                writer.WriteStartArray();
                var items = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (items++ < MaxArrayItems)
                    {
                        Value(ref reader, writer, redact: false);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }

                writer.WriteEndArray();
                break;
            case JsonTokenType.String when Mode == AuditArguments.Shapes:
                writer.WriteStringValue("string");
                break;
            case JsonTokenType.Number when Mode == AuditArguments.Shapes:
                writer.WriteStringValue("number");
                break;
            case JsonTokenType.True or JsonTokenType.False when Mode == AuditArguments.Shapes:
                writer.WriteStringValue("boolean");
                break;
            case JsonTokenType.Null when Mode == AuditArguments.Shapes:
                writer.WriteStringValue("null");
                break;
            case JsonTokenType.String:
                writer.WriteStringValue(TextOf(ref reader));
                break;
            case JsonTokenType.Number:
                writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true); // the number as sent
                break;
            case JsonTokenType.True or JsonTokenType.False:
                writer.WriteBooleanValue(reader.TokenType == JsonTokenType.True);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    /// <summary>
    /// A string as the reader holds it; one that is not valid UTF-16 once unescaped (a lone surrogate escape) is recorded
    /// as <c>[unreadable]</c>, so recording arguments can never make the policy refuse a body it would otherwise pass.
    /// </summary>
    private static string TextOf(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString() ?? "";
        }
        catch (InvalidOperationException)
        {
            return "[unreadable]";
        }
    }

    private bool IsRedacted(string key)
    {
        foreach (var redacted in redactKeys)
        {
            if (key.Contains(redacted, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
