using System.Text.Json;
using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpTunnel.Proxy.Tests.Logging;

/// <summary>slog-style text lines by default, JSON lines with log_format: json.</summary>
public sealed class LogLineFormatterTests
{
    private static string Format(LogFormat format)
    {
        var formatter = new LogLineFormatter(format);
        var state = new List<KeyValuePair<string, object?>>
        {
            new("route", "echo"),
            new("path", "/mcp two"),
            new("{OriginalFormat}", "request started"),
        };
        using var writer = new StringWriter();
        formatter.Write(new LogEntry<List<KeyValuePair<string, object?>>>(LogLevel.Information, ProxyLog.Category, new EventId(400), state, null, (_, _) => "request started"), null, writer);
        return writer.ToString();
    }

    [Fact]
    public void Text_IsOneKeyValueLine_WithQuotedMessage()
    {
        var line = Format(LogFormat.Text);

        Assert.Matches("^time=\\S+ level=INFO msg=\"request started\" route=echo path=\"/mcp two\"\n$", line);
    }

    [Fact]
    public void Json_IsOneObjectPerLine_WithFields()
    {
        var line = Format(LogFormat.Json);

        Assert.EndsWith("\n", line, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(line);
        Assert.Equal("INFO", json.RootElement.GetProperty("level").GetString());
        Assert.Equal("request started", json.RootElement.GetProperty("msg").GetString());
        Assert.Equal("echo", json.RootElement.GetProperty("route").GetString());
        Assert.Equal("/mcp two", json.RootElement.GetProperty("path").GetString());
    }
}
