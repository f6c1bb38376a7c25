using System.Buffers;
using System.Globalization;
using System.Text.Json;
using McpTunnel.Proxy.Forwarding;
using McpTunnel.Proxy.Observability;

namespace McpTunnel.Proxy.Audit;

/// <summary>
/// The audit record's JSON, one object per line (docs/AUDIT.md lists the fields). Three types: <c>anchor</c> (the
/// first record of every file: the proxy's version and the config's SHA-256), <c>request</c> (one MCP request), and
/// <c>dropped</c> (how many records the queue had to drop, so a gap is recorded rather than hidden). Every record ends
/// with <c>prev</c>, the link of the chain (<see cref="AuditChain"/>). Client-supplied strings are cut to
/// <see cref="MaxText"/> characters. Arguments appear only as far as <c>audit.arguments</c> asks, results never.
/// Written by one thread (the audit writer), into one reused buffer.
/// </summary>
internal sealed class AuditRecordJson : IDisposable
{
    /// <summary>The record format's version, the <c>audit</c> field of every record.</summary>
    public const int FormatVersion = 1;

    public const int MaxText = 256;

    private static readonly JsonWriterOptions Options = new() { Indented = false, SkipValidation = false };

    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _writer;

    public AuditRecordJson() => _writer = new Utf8JsonWriter(_buffer, Options);

    public void Dispose() => _writer.Dispose();

    public ReadOnlyMemory<byte> Anchor(long seq, DateTimeOffset time, string proxy, string? configSha256, string reason, string? prev)
    {
        var w = Begin(seq, time, "anchor");
        w.WriteString("proxy", proxy);
        WriteOrNull(w, "config_sha256", configSha256);
        w.WriteString("reason", reason);
        return End(prev);
    }

    public ReadOnlyMemory<byte> Dropped(long seq, DateTimeOffset time, string sink, long count, string? prev)
    {
        var w = Begin(seq, time, "dropped");
        w.WriteString("sink", sink);
        w.WriteNumber("count", count);
        return End(prev);
    }

    public ReadOnlyMemory<byte> Request(long seq, RequestObservation record, string? prev)
    {
        var w = Begin(seq, record.Started, "request");
        var mcp = record.Mcp;
        w.WriteString("route", record.Route);
        w.WriteString("http_method", Cut(record.HttpMethod));
        if (mcp.CarriesMessage)
        {
            var body = mcp.Body;
            switch (body.State)
            {
                case McpBodyState.Message:
                    w.WriteString("mcp_method", Cut(body.Method));
                    break;
                case McpBodyState.Batch:
                    w.WriteString("mcp_method", "batch");
                    break;
                default:
                    w.WriteNull("mcp_method");
                    w.WriteString("body", body.State switch
                    {
                        McpBodyState.NotAMessage => "not_a_message",
                        McpBodyState.BeyondLimit => "beyond_limit",
                        McpBodyState.Pending => "unread",
                        _ => "unreadable",
                    });
                    break;
            }

            if (mcp.TargetName is { } name)
            {
                w.WriteString("name", Cut(name));
            }

            if (mcp.HeaderMismatch is var mismatch and not McpHeaderMismatch.None)
            {
                w.WriteString("header_mismatch", mismatch switch
                {
                    McpHeaderMismatch.Method => "Mcp-Method",
                    McpHeaderMismatch.Name => "Mcp-Name",
                    _ => "Mcp-Method,Mcp-Name",
                });
            }
        }

        if (record.Policy is { } verdict)
        {
            w.WriteString("decision", verdict.Decision);
            w.WriteString("reason", RequestTelemetry.PolicyReasonLabel(verdict.Reason));
            if (verdict.Rule is { Length: > 0 } rule)
            {
                w.WriteString("rule", Cut(rule));
            }
        }

        w.WriteNumber("status", record.Status);
        if (record.Policy?.AnswerCode is { } code)
        {
            w.WriteNumber("jsonrpc_error", code);
        }

        w.WriteString("outcome", record.Error == ForwarderError.None ? "ok" : record.Error.ToString());
        w.WriteNumber("duration_ms", Math.Round(record.Duration.TotalMilliseconds, 3));
        w.WriteNumber("bytes_in", record.RequestBytes);
        w.WriteNumber("bytes_out", record.Bytes.Response);
        if (mcp.SessionHash is { } session)
        {
            w.WriteString("session", session);
        }

        if (record.TraceId is { } trace)
        {
            w.WriteString("trace_id", trace);
        }

        if (record.Caller is { } caller)
        {
            w.WriteString("caller", caller.IsIPv4MappedToIPv6 ? caller.MapToIPv4().ToString() : caller.ToString());
        }

        if (record.Arguments is { } arguments)
        {
            w.WritePropertyName("arguments");
            w.WriteRawValue(arguments.Span, skipInputValidation: true); // built by ArgumentRecorder as valid JSON
        }

        return End(prev);
    }

    private Utf8JsonWriter Begin(long seq, DateTimeOffset time, string type)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        _writer.WriteStartObject();
        _writer.WriteNumber("audit", FormatVersion);
        _writer.WriteNumber("seq", seq);
        _writer.WriteString("time", time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        _writer.WriteString("type", type);
        return _writer;
    }

    private ReadOnlyMemory<byte> End(string? prev)
    {
        WriteOrNull(_writer, "prev", prev);
        _writer.WriteEndObject();
        _writer.Flush();
        return _buffer.WrittenMemory;
    }

    private static void WriteOrNull(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    /// <summary>Cuts long client text, never between the two halves of a surrogate pair (the writer refuses half a pair).</summary>
    private static string? Cut(string? text) => text is { Length: > MaxText }
        ? text[..(char.IsHighSurrogate(text[MaxText - 1]) ? MaxText - 1 : MaxText)]
        : text;
}
