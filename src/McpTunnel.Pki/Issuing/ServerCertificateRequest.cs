using System.Security.Cryptography;

namespace McpTunnel.Pki.Issuing;

/// <summary>
/// What <see cref="CertificateAuthority.IssueServerCertificate"/> makes for a tunnel domain
/// (e.g. <c>abcd1234.tunnel.anthropic.com</c>). The defaults pass every server rule
/// (wildcard and bare-domain SAN, AKI, serverAuth); the <c>Include*</c> and <see cref="HashAlgorithm"/> knobs exist so tests and tools can
/// build deliberately broken certificates.
/// </summary>
internal sealed record ServerCertificateRequest(string Domain)
{
    /// <summary>90 days, the <c>--cert-duration</c> default of <c>2160h</c>.</summary>
    public TimeSpan Validity { get; init; } = TimeSpan.FromHours(2160);

    /// <summary>Ignored when <see cref="ExistingPrivateKeyPem"/> is set.</summary>
    public KeyAlgorithm KeyAlgorithm { get; init; } = KeyAlgorithm.EcdsaP256;

    /// <summary>Default: now minus <see cref="PkiDefaults.ClockSkew"/>.</summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>Re-sign this key (PKCS#8, "RSA PRIVATE KEY" or "EC PRIVATE KEY" PEM) instead of generating one (the docs' manual renewal).</summary>
    public string? ExistingPrivateKeyPem { get; init; }

    /// <summary>Default: <c>*.&lt;Domain&gt;</c> and <c>&lt;Domain&gt;</c>.</summary>
    public IReadOnlyList<string>? DnsNames { get; init; }

    public bool IncludeAuthorityKeyIdentifier { get; init; } = true;

    public bool IncludeServerAuthEku { get; init; } = true;

    public HashAlgorithmName HashAlgorithm { get; init; } = HashAlgorithmName.SHA256;

    /// <summary>The SAN DNS names this request produces.</summary>
    public IReadOnlyList<string> EffectiveDnsNames => DnsNames ?? [$"*.{Domain}", Domain];
}
