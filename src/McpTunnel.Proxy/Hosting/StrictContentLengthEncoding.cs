using System.Text;

namespace McpTunnel.Proxy.Hosting;

/// <summary>
/// Makes Kestrel refuse a Content-Length that is not digits only (RFC 9110 section 8.6: <c>1*DIGIT</c>). Kestrel
/// parses the raw bytes with a number parser that accepts a sign (<c>+5</c>, <c>-0</c>), then keeps only the number,
/// so nothing after it can tell. Its one hook at that point is the request header encoding selector: given an
/// encoding for Content-Length, Kestrel decodes the value with it and parses the text with a digits-only parser.
/// This encoding passes digits through and turns every other byte into U+FFFD, which that parser refuses with its
/// own 400; the framing decision stays Kestrel's.
/// </summary>
internal sealed class StrictContentLengthEncoding : Encoding
{
    public static readonly StrictContentLengthEncoding Instance = new();

    /// <summary>For <c>KestrelServerOptions.RequestHeaderEncodingSelector</c>: this encoding for Content-Length, the default for the rest.</summary>
    public static Encoding? Select(string headerName) =>
        string.Equals(headerName, "Content-Length", StringComparison.OrdinalIgnoreCase) ? Instance : null;

    public override int GetByteCount(char[] chars, int index, int count) => count;

    public override int GetBytes(char[] chars, int charIndex, int charCount, byte[] bytes, int byteIndex)
    {
        for (var i = 0; i < charCount; i++)
        {
            bytes[byteIndex + i] = chars[charIndex + i] is >= '0' and <= '9' ? (byte)chars[charIndex + i] : (byte)'?';
        }

        return charCount;
    }

    public override int GetCharCount(byte[] bytes, int index, int count) => count;

    public override int GetCharCount(ReadOnlySpan<byte> bytes) => bytes.Length;

    public override int GetChars(byte[] bytes, int byteIndex, int byteCount, char[] chars, int charIndex) =>
        GetChars(bytes.AsSpan(byteIndex, byteCount), chars.AsSpan(charIndex));

    public override int GetChars(ReadOnlySpan<byte> bytes, Span<char> chars)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            chars[i] = bytes[i] is >= (byte)'0' and <= (byte)'9' ? (char)bytes[i] : '\uFFFD';
        }

        return bytes.Length;
    }

    public override int GetMaxByteCount(int charCount) => charCount;

    public override int GetMaxCharCount(int byteCount) => byteCount;
}
