using System.Security.Cryptography;
using System.Text;

namespace McpTunnel.Proxy.Observability;

/// <summary>
/// MCP session ids are bearer-like (whoever holds one can talk in that session), so they are never exported raw.
/// Spans carry a keyed hash instead: an HMAC with a key made at process start, truncated to 16 hex digits. Spans of one
/// session still group together, but the value cannot be turned back into the id, nor matched against another
/// process's hashes.
/// </summary>
internal static class SessionIdHash
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    public static string Of(string sessionId)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes(sessionId), mac);
        return Convert.ToHexStringLower(mac[..8]);
    }
}
