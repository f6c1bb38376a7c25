namespace McpTunnel.Proxy.Configuration;

/// <summary>
/// <c>upstream.credentials.&lt;route&gt;</c>: a header the proxy sets on every request to that route's upstream, its
/// value read from a file (docs/ARCHITECTURE.md "Upstream credentials"). Everything here may be printed (by
/// <c>mcptunnel check</c>, in reload summaries) except <see cref="Value"/>, whose <c>ToString</c> never shows the secret.
/// </summary>
internal sealed record CredentialSettings(string Header, string ValueFile, string Prefix, CallerAuthorization CallerAuthorization)
{
    public const string DefaultHeader = "Authorization";

    /// <summary>The header value as read at load: <see cref="Prefix"/> followed by the file's content.</summary>
    public required SecretHeaderValue Value { get; init; }

    /// <summary>True when the credential is itself the <c>Authorization</c> header.</summary>
    public bool IsAuthorization => string.Equals(Header, DefaultHeader, StringComparison.OrdinalIgnoreCase);

    /// <summary>The settings in words, never the value: what <c>check</c> prints and what a reload compares.</summary>
    public string Describe() =>
        $"header {Header} from {ValueFile}{(Prefix.Length > 0 ? $" with prefix \"{Prefix}\"" : "")}; caller's Authorization: {CallerAuthorizationWords(CallerAuthorization)}";

    public static string CallerAuthorizationWords(CallerAuthorization mode) => mode switch
    {
        CallerAuthorization.Pass => "passed",
        CallerAuthorization.Strip => "stripped",
        _ => "replaced",
    };
}

/// <summary>
/// What happens to the caller's own <c>Authorization</c> header on a route with a credential. Whatever the mode, a
/// caller's copy of the credential's own header never reaches the upstream: the proxy's value replaces it.
/// </summary>
internal enum CallerAuthorization
{
    /// <summary>The caller's Authorization reaches the upstream unchanged (only with a credential in another header).</summary>
    Pass,

    /// <summary>The caller's Authorization is removed; the credential travels in its own header.</summary>
    Strip,

    /// <summary>The caller's Authorization is replaced by the credential (which then is the Authorization header).</summary>
    Replace,
}
