using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using McpTunnel.Proxy.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace McpTunnel.Proxy.Logging;

/// <summary>
/// One line per event on stdout, in the shape Go's slog writes (the original proxy is a Go program):
/// text <c>time=… level=INFO msg="request started" route=echo method=POST</c> by default, or JSON lines
/// <c>{"time":…,"level":"INFO","msg":…,"route":…}</c> with <c>log_format: json</c> (the docs leave the format open).
/// </summary>
internal sealed class LogLineFormatter : ConsoleFormatter
{
    public const string TextName = "mcp-text";
    public const string JsonName = "mcp-json";

    /// <summary>Field names as written (<c>durationMs</c> → <c>duration_ms</c>), converted once per name.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> SnakeNames = new(StringComparer.Ordinal);

    private readonly LogFormat _format;
    private readonly TimeProvider _time;

    public LogLineFormatter(LogFormat format, TimeProvider? time = null)
        : base(format == LogFormat.Json ? JsonName : TextName)
    {
        _format = format;
        _time = time ?? TimeProvider.System;
    }

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (_format == LogFormat.Json)
        {
            textWriter.Write(FormatJson(message, logEntry.LogLevel, Fields(logEntry)));
            textWriter.Write('\n');
            return;
        }

        // Text lines are written for every request: straight to the writer, with field names converted once and
        // values formatted on the stack. The message string (the logging framework's) is the only allocation left.
        Span<char> stamp = stackalloc char[32];
        _time.GetUtcNow().UtcDateTime.TryFormat(stamp, out var stampLength, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        textWriter.Write("time=");
        textWriter.Write(stamp[..stampLength]);
        textWriter.Write(" level=");
        textWriter.Write(LevelName(logEntry.LogLevel));
        textWriter.Write(" msg=");
        WriteTextValue(textWriter, message);
        if (logEntry.State is IReadOnlyList<KeyValuePair<string, object?>> state)
        {
            for (var i = 0; i < state.Count; i++)
            {
                var (key, value) = state[i];
                if (key != "{OriginalFormat}")
                {
                    textWriter.Write(' ');
                    textWriter.Write(SnakeNames.GetOrAdd(key, ToSnakeCase));
                    textWriter.Write('=');
                    WriteTextValue(textWriter, value);
                }
            }
        }

        if (logEntry.Category != ProxyLog.Category && !logEntry.Category.StartsWith("mcp", StringComparison.Ordinal))
        {
            textWriter.Write(" logger=");
            WriteTextValue(textWriter, logEntry.Category);
        }

        if (logEntry.Exception is { } exception)
        {
            textWriter.Write(" error=");
            WriteTextValue(textWriter, exception.GetBaseException().Message);
        }

        textWriter.Write('\n');
    }

    private static List<KeyValuePair<string, string>> Fields<TState>(in LogEntry<TState> logEntry)
    {
        var fields = new List<KeyValuePair<string, string>>();
        if (logEntry.State is IReadOnlyList<KeyValuePair<string, object?>> state)
        {
            foreach (var (key, value) in state)
            {
                if (key != "{OriginalFormat}")
                {
                    fields.Add(new(SnakeNames.GetOrAdd(key, ToSnakeCase), Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""));
                }
            }
        }

        if (logEntry.Category != ProxyLog.Category && !logEntry.Category.StartsWith("mcp", StringComparison.Ordinal))
        {
            fields.Add(new("logger", logEntry.Category));
        }

        if (logEntry.Exception is { } exception)
        {
            fields.Add(new("error", exception.GetBaseException().Message));
        }

        return fields;
    }

    private string Timestamp() => _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static void WriteTextValue(TextWriter writer, object? value)
    {
        switch (value)
        {
            case string text:
                WriteTextValue(writer, text.AsSpan());
                return;
            case ISpanFormattable formattable:
                Span<char> buffer = stackalloc char[64];
                if (formattable.TryFormat(buffer, out var written, default, CultureInfo.InvariantCulture))
                {
                    WriteTextValue(writer, buffer[..written]);
                    return;
                }

                break;
        }

        WriteTextValue(writer, (Convert.ToString(value, CultureInfo.InvariantCulture) ?? "").AsSpan());
    }

    private static void WriteTextValue(TextWriter writer, ReadOnlySpan<char> value)
    {
        var needsQuotes = value.Length == 0;
        foreach (var c in value)
        {
            if (c is ' ' or '"' or '=' || char.IsControl(c))
            {
                needsQuotes = true;
                break;
            }
        }

        if (!needsQuotes)
        {
            writer.Write(value);
            return;
        }

        writer.Write('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': writer.Write("\\\""); break;
                case '\\': writer.Write("\\\\"); break;
                case '\n': writer.Write("\\n"); break;
                case '\r': writer.Write("\\r"); break;
                case '\t': writer.Write("\\t"); break;
                default:
                    if (char.IsControl(c))
                    {
                        writer.Write("\\u");
                        writer.Write(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        writer.Write(c);
                    }

                    break;
            }
        }

        writer.Write('"');
    }

    private string FormatJson(string message, LogLevel level, List<KeyValuePair<string, string>> fields)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("time", Timestamp());
            writer.WriteString("level", LevelName(level));
            writer.WriteString("msg", message);
            foreach (var (key, value) in fields)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARN",
        _ => "ERROR",
    };

    private static string ToSnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0)
                {
                    builder.Append('_');
                }

                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
