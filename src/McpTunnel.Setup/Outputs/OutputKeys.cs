namespace McpTunnel.Setup.Outputs;

/// <summary>
/// File names in <c>dir:</c> mode and data keys in <c>k8s-secret:</c> mode (the docs name only the token, domain and TLS ones). The proxy
/// reads <c>tls.crt</c>/<c>tls.key</c>, cloudflared the token; the rest is setup's own state for re-runs.
/// </summary>
internal static class OutputKeys
{
    public const string ServerCertificate = "tls.crt";
    public const string ServerKey = "tls.key";
    public const string CaCertificate = "ca.crt";
    public const string CaKey = "ca.key";
    public const string TunnelToken = "tunnel-token";
    public const string TunnelDomain = "tunnel-domain";
    public const string TunnelId = "tunnel-id";
    public const string TokenVersion = "token-version";

    public static IReadOnlyList<string> All { get; } =
        [ServerCertificate, ServerKey, CaCertificate, CaKey, TunnelToken, TunnelDomain, TunnelId, TokenVersion];
}
