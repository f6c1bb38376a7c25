namespace McpTunnel.Proxy.Configuration;

/// <summary>
/// A credential's header value. It is kept out of every text the proxy produces: <see cref="ToString"/> says only
/// how long it is, so a record that holds one (and prints its members) or a log line that formats one by mistake
/// shows no secret. Compared by reference, never by content, so no code path compares secrets in variable time.
/// </summary>
internal sealed class SecretHeaderValue(string value, string contentHash = "")
{
    /// <summary>SHA-256 of the file content it was read from: how a re-read tells a change without comparing secrets. Never written anywhere.</summary>
    internal string ContentHash { get; } = contentHash;

    /// <summary>The value to put on the wire; read it only where the header is set.</summary>
    public string Reveal() => value;

    /// <summary>Its length in bytes (ASCII): what logs may say about it.</summary>
    public int Length => value.Length;

    public override string ToString() => $"(secret, {value.Length} bytes)";
}
