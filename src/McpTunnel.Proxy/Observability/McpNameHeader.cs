using System.Text;

namespace McpTunnel.Proxy.Observability;

/// <summary>
/// The value an <c>Mcp-Name</c> header stands for. A name that is not plain ASCII travels as
/// <c>=?base64?&lt;UTF-8 in canonical Base64&gt;?=</c>; anything else is the name as written.
/// </summary>
internal static class McpNameHeader
{
    private const string Prefix = "=?base64?";
    private const string Suffix = "?=";

    private static readonly System.Buffers.SearchValues<char> Alphabet =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=");

    /// <summary>The decoded name; null when the header claims the Base64 form but does not hold it.</summary>
    public static string? Decode(string header)
    {
        if (!header.StartsWith(Prefix, StringComparison.Ordinal) || !header.EndsWith(Suffix, StringComparison.Ordinal) || header.Length < Prefix.Length + Suffix.Length)
        {
            return header;
        }

        var base64 = header.AsSpan(Prefix.Length, header.Length - Prefix.Length - Suffix.Length);
        if (base64.Length % 4 != 0 || base64.ContainsAnyExcept(Alphabet))
        {
            return null;
        }

        var bytes = new byte[base64.Length / 4 * 3];
        if (!Convert.TryFromBase64Chars(base64, bytes, out var written) || Convert.ToBase64String(bytes, 0, written).AsSpan().SequenceEqual(base64) is false)
        {
            return null; // not canonical (non-zero padding bits): not the form a client writes
        }

        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes, 0, written);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
