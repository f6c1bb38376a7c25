using System.Buffers;
using McpTunnel.Proxy.Policy;

namespace McpTunnel.Proxy.Forwarding;

/// <summary>
/// Just enough of the SSE format (WHATWG HTML, "Server-sent events") to rewrite one event's data: events end at a blank
/// line, lines end in CRLF, LF or CR, and an event's data is its <c>data:</c> lines joined with LF.
/// </summary>
internal static class ServerSentEvents
{
    /// <summary>The length of the first complete event (through its blank line), or 0 when none is complete yet.</summary>
    public static int FindEventEnd(ReadOnlySpan<byte> bytes)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            var lineEnd = bytes[i] switch
            {
                (byte)'\n' => i + 1,
                (byte)'\r' when i + 1 < bytes.Length => bytes[i + 1] == '\n' ? i + 2 : i + 1,
                _ => -1,
            };
            if (lineEnd < 0)
            {
                continue;
            }

            // A line end directly followed by another line end is the blank line that ends the event.
            if (lineEnd < bytes.Length && bytes[lineEnd] == '\n')
            {
                return lineEnd + 1;
            }

            if (lineEnd < bytes.Length && bytes[lineEnd] == '\r')
            {
                if (lineEnd + 1 < bytes.Length)
                {
                    return bytes[lineEnd + 1] == '\n' ? lineEnd + 2 : lineEnd + 1;
                }

                return 0; // a CR at the very end: its LF may still come
            }

            i = lineEnd - 1;
        }

        return 0;
    }

    /// <summary>
    /// The event with its data rewritten by <paramref name="filter"/>, or null to pass it unchanged. Field lines other
    /// than <c>data</c> (event, id, retry, comments) are kept in order; the data becomes one <c>data:</c> line.
    /// </summary>
    public static byte[]? Rewrite(ReadOnlySpan<byte> evt, ResponseBodyFilter filter)
    {
        var data = new ArrayBufferWriter<byte>(evt.Length);
        var others = new ArrayBufferWriter<byte>(64);
        var hasData = false;
        foreach (var line in Lines(evt))
        {
            var text = evt.Slice(line.Start, line.Length);
            if (text.StartsWith("data"u8) && (text.Length == 4 || text[4] == ':'))
            {
                var value = text.Length == 4 ? [] : text[5..];
                if (value.Length > 0 && value[0] == ' ')
                {
                    value = value[1..];
                }

                if (hasData)
                {
                    data.Write("\n"u8);
                }

                data.Write(value);
                hasData = true;
            }
            else if (text.Length > 0)
            {
                others.Write(text);
                others.Write("\n"u8);
            }
        }

        if (!hasData || filter.Rewrite(data.WrittenSpan) is not { } rewritten)
        {
            return null;
        }

        // The data was joined with LF, so the rewrite can only hold LF where the server broke its data into lines.
        var output = new ArrayBufferWriter<byte>(others.WrittenCount + rewritten.Length + 16);
        output.Write(others.WrittenSpan);
        foreach (var part in rewritten.AsSpan().Split((byte)'\n'))
        {
            output.Write("data: "u8);
            output.Write(rewritten.AsSpan()[part]);
            output.Write("\n"u8);
        }

        output.Write("\n"u8);
        return output.WrittenSpan.ToArray();
    }

    private static List<(int Start, int Length)> Lines(ReadOnlySpan<byte> evt)
    {
        var lines = new List<(int, int)>();
        var start = 0;
        for (var i = 0; i < evt.Length; i++)
        {
            if (evt[i] is (byte)'\n' or (byte)'\r')
            {
                lines.Add((start, i - start));
                if (evt[i] == '\r' && i + 1 < evt.Length && evt[i + 1] == '\n')
                {
                    i++;
                }

                start = i + 1;
            }
        }

        if (start < evt.Length)
        {
            lines.Add((start, evt.Length - start));
        }

        return lines;
    }
}
