using McpTunnel.Proxy.Tls;

namespace McpTunnel.Proxy.Observability;

/// <summary>
/// The <c>reason</c> label of failed handshakes: the short reasons the troubleshooting table names (the same words
/// as <c>tls handshake failed: …</c> in the log), a fixed <c>handshake timeout</c>, and <c>other</c> for library
/// messages, which are free text and would make the label unbounded.
/// </summary>
internal static class HandshakeFailureLabel
{
    public const string Timeout = "handshake timeout";
    public const string Other = "other";

    public static string For(string reason)
    {
        if (reason.StartsWith("handshake timed out", StringComparison.Ordinal))
        {
            return Timeout;
        }

        return TlsFailureReason.IsKnownReason(reason) ? reason : Other;
    }
}
