using System.Security.Cryptography;

namespace McpTunnel.Proxy.Audit;

/// <summary>
/// The hash chain that makes the records tamper-evident: every record carries, in <c>prev</c>, the SHA-256 of the exact
/// bytes of the record before it (the line without its newline), in lower-case hex. Changing, removing, inserting or
/// reordering a record breaks the link of the record after it; the writer and <c>mcptunnel audit verify</c> use this
/// one definition.
/// </summary>
internal static class AuditChain
{
    /// <summary>The <c>prev</c> a record carries after <paramref name="line"/>.</summary>
    public static string HashOf(ReadOnlySpan<byte> line)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(line, hash);
        return Convert.ToHexStringLower(hash);
    }
}
