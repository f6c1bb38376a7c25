namespace McpTunnel.Pki.Issuing;

/// <summary>What <see cref="CertificateAuthority.Create"/> makes; the defaults are setup's CA: ECDSA P-256, five years.</summary>
internal sealed record CertificateAuthorityRequest
{
    public string CommonName { get; init; } = "mcp-tunnel-ca";

    public TimeSpan Validity { get; init; } = TimeSpan.FromDays(5 * 365);

    public KeyAlgorithm KeyAlgorithm { get; init; } = KeyAlgorithm.EcdsaP256;

    /// <summary>Default: now minus <see cref="PkiDefaults.ClockSkew"/>.</summary>
    public DateTimeOffset? NotBefore { get; init; }
}
