using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace McpTunnel.Proxy.Tests.Logging;

/// <summary>
/// What one <c>request started</c> line costs the formatter in managed allocations (the line is written for every
/// request at info). Measured with <see cref="GC.GetAllocatedBytesForCurrentThread"/> after a warm-up, into a
/// writer that already has room, so only the formatter's own allocations count.
/// </summary>
public sealed class LogLineAllocationTests(ITestOutputHelper output)
{
    private static readonly IReadOnlyList<KeyValuePair<string, object?>> RequestStarted =
    [
        new("route", "echo"),
        new("method", "POST"),
        new("path", "/mcp"),
        new("host", "echo.abcd1234.tunnel.anthropic.com"),
        new("protocol", "HTTP/2"),
        new("{OriginalFormat}", "request started"),
    ];

    [Fact]
    public void RequestStartedLine_Text_AllocatesLittleBeyondTheMessage()
    {
        var formatter = new LogLineFormatter(LogFormat.Text);
        var writer = new StringWriter(new System.Text.StringBuilder(64 * 1024));
        var entry = new LogEntry<IReadOnlyList<KeyValuePair<string, object?>>>(LogLevel.Information, ProxyLog.Category, new EventId(400), RequestStarted, null, static (_, _) => "request started");
        for (var i = 0; i < 100; i++)
        {
            formatter.Write(in entry, null, writer);
        }

        writer.GetStringBuilder().Clear();
        var before = GC.GetAllocatedBytesForCurrentThread();
        const int Lines = 200;
        for (var i = 0; i < Lines; i++)
        {
            formatter.Write(in entry, null, writer);
        }

        var perLine = (GC.GetAllocatedBytesForCurrentThread() - before) / Lines;
        output.WriteLine($"bytes allocated per request started line (text): {perLine}");
        Assert.StartsWith("time=", writer.ToString(), StringComparison.Ordinal);
        Assert.Contains(" level=INFO msg=\"request started\" route=echo method=POST path=/mcp host=echo.abcd1234.tunnel.anthropic.com protocol=HTTP/2\n", writer.ToString(), StringComparison.Ordinal);
        Assert.True(perLine <= 256, $"{perLine} bytes per line");
    }
}
