using System.Text;

namespace McpTunnel.Proxy.Hosting;

/// <summary>
/// Keeps every token of a request's <c>Connection</c> header visible to the forwarder, which must remove each field
/// the header names (RFC 9110 section 7.6.1). Kestrel reads the header for its own connection management and, when
/// exactly one of <c>keep-alive</c>, <c>close</c> or <c>upgrade</c> is among the tokens, replaces the whole value with
/// that one word: <c>Connection: keep-alive, Authorization</c> reached the application as <c>keep-alive</c>, and
/// <c>Authorization</c> went upstream. Its one hook before that point is the request header encoding selector (as for
/// <see cref="StrictContentLengthEncoding"/>), so this encoding decodes the value as Kestrel would and then makes
/// sure Kestrel never sees exactly one of those words, without changing what it decides:
/// <list type="bullet">
/// <item><c>keep-alive</c> gets a trailing tab, which Kestrel's token match does not accept, so it no longer counts.
/// HTTP/1.1 keeps connections alive without it; an HTTP/1.0 client (none speaks it inside the tunnel) gets one request
/// per connection.</item>
/// <item>a value naming <c>close</c> or <c>upgrade</c> gets <c>,keep-alive</c> appended: with two of the words Kestrel
/// leaves the value alone, and <c>close</c> still wins over <c>keep-alive</c>.</item>
/// </list>
/// Every field name in the value is kept; the forwarder trims tokens, so the tab changes nothing there.
/// </summary>
internal sealed class ConnectionHeaderEncoding : Encoding
{
    public static readonly ConnectionHeaderEncoding Instance = new();

    /// <summary>Kestrel's own decoding of a header value it cannot read as ASCII: strict UTF-8 (invalid bytes are a 400).</summary>
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private const string KeepAlive = "keep-alive";

    /// <summary>For <c>KestrelServerOptions.RequestHeaderEncodingSelector</c>: this encoding for Connection, null for the rest.</summary>
    public static Encoding? Select(string headerName) =>
        string.Equals(headerName, "Connection", StringComparison.OrdinalIgnoreCase) ? Instance : null;

    /// <summary>The value as Kestrel will read it: the same field names, never exactly one of its three words.</summary>
    public static string Rewrite(string value)
    {
        if (!value.Contains(KeepAlive, StringComparison.OrdinalIgnoreCase)
            && !value.Contains("close", StringComparison.OrdinalIgnoreCase)
            && !value.Contains("upgrade", StringComparison.OrdinalIgnoreCase))
        {
            return value;
        }

        var result = new StringBuilder(value.Length + 16);
        var namesCloseOrUpgrade = false;
        var tokens = value.Split(',');
        for (var i = 0; i < tokens.Length; i++)
        {
            var token = tokens[i];
            var name = token.AsSpan().Trim(" \t");
            if (i > 0)
            {
                result.Append(',');
            }

            result.Append(token);
            if (name.Equals(KeepAlive, StringComparison.OrdinalIgnoreCase))
            {
                result.Append('\t');
            }
            else if (name.Equals("close", StringComparison.OrdinalIgnoreCase) || name.Equals("upgrade", StringComparison.OrdinalIgnoreCase))
            {
                namesCloseOrUpgrade = true;
            }
        }

        if (namesCloseOrUpgrade)
        {
            result.Append(',').Append(KeepAlive);
        }

        return result.ToString();
    }

    public override string GetString(byte[] bytes, int index, int count) => Decode(bytes.AsSpan(index, count));

    public override int GetCharCount(byte[] bytes, int index, int count) => Decode(bytes.AsSpan(index, count)).Length;

    public override int GetCharCount(ReadOnlySpan<byte> bytes) => Decode(bytes).Length;

    public override int GetChars(byte[] bytes, int byteIndex, int byteCount, char[] chars, int charIndex) =>
        GetChars(bytes.AsSpan(byteIndex, byteCount), chars.AsSpan(charIndex));

    public override int GetChars(ReadOnlySpan<byte> bytes, Span<char> chars)
    {
        var decoded = Decode(bytes);
        decoded.CopyTo(chars);
        return decoded.Length;
    }

    public override int GetByteCount(char[] chars, int index, int count) => StrictUtf8.GetByteCount(chars, index, count);

    public override int GetBytes(char[] chars, int charIndex, int charCount, byte[] bytes, int byteIndex) =>
        StrictUtf8.GetBytes(chars, charIndex, charCount, bytes, byteIndex);

    public override int GetMaxByteCount(int charCount) => StrictUtf8.GetMaxByteCount(charCount);

    // Every byte could start a one-character token that gains a tab, plus the appended ",keep-alive".
    public override int GetMaxCharCount(int byteCount) => (2 * StrictUtf8.GetMaxCharCount(byteCount)) + KeepAlive.Length + 1;

    private static string Decode(ReadOnlySpan<byte> bytes)
    {
        // Kestrel's default decoding refuses NUL; a custom encoding's output is not checked for it, so refuse here
        // (Kestrel answers a decoding failure with 400).
        if (bytes.Contains((byte)0))
        {
            throw new DecoderFallbackException("NUL in a Connection header");
        }

        return Rewrite(StrictUtf8.GetString(bytes));
    }
}
