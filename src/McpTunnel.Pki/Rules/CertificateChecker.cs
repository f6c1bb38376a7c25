namespace McpTunnel.Pki.Rules;

/// <summary>
/// Checks certificates against the rules Anthropic applies: the CA rules for the CA registered with the
/// Tunnels API and the server rules for the server certificate presented during inner TLS. Used by
/// <c>mcptunnel certs check</c>, <c>doctor</c>, setup and the fake Tunnels API, which must reject what
/// Anthropic rejects. One result per rule, never an exception for a bad certificate.
/// </summary>
internal static class CertificateChecker
{
    /// <summary>Every CA rule (what the Tunnels API enforces at registration), on the PEM text as it would be uploaded.</summary>
    public static CertificateCheckReport CheckCa(string caPem, DateTimeOffset? now = null)
    {
        ArgumentNullException.ThrowIfNull(caPem);
        return CaCertificateRules.Check(caPem, now ?? DateTimeOffset.UtcNow);
    }

    /// <summary>
    /// Every server-certificate rule (what Anthropic checks in inner TLS). <paramref name="domainOrHost"/> is read as in <see cref="ServerNameKind.Auto"/>;
    /// null skips the name comparison. Without <paramref name="caPem"/>, <c>server.signed-by-ca</c> is left out.
    /// </summary>
    public static CertificateCheckReport CheckServer(string serverPem, string? caPem, string? domainOrHost, DateTimeOffset? now = null) =>
        CheckServer(serverPem, caPem, domainOrHost, ServerNameKind.Auto, now);

    /// <summary>As above, saying whether <paramref name="name"/> is a tunnel domain or a full host.</summary>
    public static CertificateCheckReport CheckServer(string serverPem, string? caPem, string? name, ServerNameKind kind, DateTimeOffset? now = null)
    {
        ArgumentNullException.ThrowIfNull(serverPem);
        return ServerCertificateRules.Check(serverPem, caPem, name, kind, now ?? DateTimeOffset.UtcNow);
    }
}
