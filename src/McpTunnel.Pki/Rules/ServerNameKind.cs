namespace McpTunnel.Pki.Rules;

/// <summary>How <see cref="CertificateChecker.CheckServer(string, string?, string?, ServerNameKind, DateTimeOffset?)"/> reads the name it is given.</summary>
internal enum ServerNameKind
{
    /// <summary>
    /// A tunnel domain or a full host: passes when <c>*.&lt;name&gt;</c> is covered (every route), or when the
    /// name is itself matched by a wildcard SAN (it is one route of a covered tunnel domain). A bare
    /// domain SAN alone does not pass, since it would match no route.
    /// </summary>
    Auto,

    /// <summary>The tunnel domain: the SAN must cover every route, i.e. hold <c>*.&lt;domain&gt;</c>.</summary>
    TunnelDomain,

    /// <summary>A full host such as <c>echo.&lt;domain&gt;</c>: some SAN must match it (exactly or by a one-label wildcard).</summary>
    Host,
}
