using System.Security.Cryptography;

namespace McpTunnel.Proxy.Configuration;

/// <summary>
/// The one way a config file is named by its content: SHA-256 of the file's bytes, the first 12 hex digits, lower
/// case. The proxy exports the running config's (<c>mcptunnel_config_info{hash}</c>) and <c>mcptunnel doctor --admin</c>
/// computes the file's the same way, so the two can be compared; a reload happens only when it changes.
/// </summary>
internal static class ConfigHash
{
    public const int Length = 12;

    public static string Of(ReadOnlySpan<byte> bytes) =>
        Full(bytes)[..Length];

    /// <summary>All 64 hex digits: what an audit anchor records, so the file it names can be proved, not only recognised.</summary>
    public static string Full(ReadOnlySpan<byte> bytes) =>
        Convert.ToHexStringLower(SHA256.HashData(bytes));
}
