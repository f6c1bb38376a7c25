namespace McpTunnel.Pki.Inspection;

/// <summary>Key identifiers shown the way <c>openssl x509 -text</c> shows them, so operators can compare.</summary>
internal static class Hex
{
    public static string Colon(ReadOnlySpan<byte> bytes) => string.Join(':', Convert.ToHexString(bytes).Chunk(2).Select(c => new string(c)));
}
