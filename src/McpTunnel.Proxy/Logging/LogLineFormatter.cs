using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using McpTunnel.Proxy.Configuration;
using Microsoft.Extensions.Logging;
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
        var fields = new List<KeyValuePair<string, string>>();
        if (logEntry.State is IReadOnlyList<KeyValuePair<string, object?>> state)
        {
            foreach (var (key, value) in state)
            {
                if (key != "{OriginalFormat}")
                {
                    fields.Add(new(ToSnakeCase(key), Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""));
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

        var line = _format == LogFormat.Json
            ? FormatJson(message, logEntry.LogLevel, fields)
            : FormatText(message, logEntry.LogLevel, fields);
        textWriter.Write(line);
        textWriter.Write('\n');
    }

    private string Timestamp() => _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private string FormatText(string message, LogLevel level, List<KeyValuePair<string, string>> fields)
    {
        var builder = new StringBuilder(128);
        builder.Append("time=").Append(Timestamp()).Append(" level=").Append(LevelName(level)).Append(" msg=");
        AppendTextValue(builder, message);
        foreach (var (key, value) in fields)
        {
            builder.Append(' ').Append(key).Append('=');
            AppendTextValue(builder, value);
        }

        return builder.ToString();
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

    private static void AppendTextValue(StringBuilder builder, string value)
    {
        var needsQuotes = value.Length == 0 || value.Any(c => c is ' ' or '"' or '=' || char.IsControl(c));
        if (!needsQuotes)
        {
            builder.Append(value);
            return;
        }

        builder.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (char.IsControl(c))
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append('"');
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
