namespace McpTunnel.Setup.Api;

/// <summary>The short-lived bearer token minted by the exchange. <see cref="ToString"/> never reveals it.</summary>
internal sealed class AccessToken(string value, TimeSpan? expiresIn, string? scope)
{
    public string Value { get; } = value;

    public TimeSpan? ExpiresIn { get; } = expiresIn;

    public string? Scope { get; } = scope;

    public override string ToString() => "[access token]";
}
