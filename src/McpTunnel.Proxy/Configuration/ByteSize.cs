using System.Globalization;

namespace McpTunnel.Proxy.Configuration;

/// <summary>A size in bytes, written as a whole number of bytes or with a binary suffix: <c>65536</c>, <c>64KiB</c>, <c>4MiB</c>.</summary>
internal static class ByteSize
{
    public static bool TryParse(string text, out long bytes)
    {
        var span = text.AsSpan().Trim();
        long unit = 1;
        if (span.EndsWith("KiB", StringComparison.Ordinal))
        {
            unit = 1024;
            span = span[..^3];
        }
        else if (span.EndsWith("MiB", StringComparison.Ordinal))
        {
            unit = 1024 * 1024;
            span = span[..^3];
        }

        bytes = 0;
        if (!long.TryParse(span, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count > long.MaxValue / unit)
        {
            return false;
        }

        bytes = count * unit;
        return true;
    }
}
