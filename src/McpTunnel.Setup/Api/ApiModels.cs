using System.Text.Json.Serialization;

namespace McpTunnel.Setup.Api;

// Wire shapes of the token endpoint and the Tunnels API, as documented. Plain data in one
// file: they are the contract, and reading them side by side is the point.

internal sealed record TokenExchangeRequest(
    string GrantType,
    string Assertion,
    string FederationRuleId,
    string OrganizationId,
    string? ServiceAccountId,
    string? WorkspaceId)
{
    public const string JwtBearerGrantType = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    public override string ToString() => $"token exchange for rule {FederationRuleId}";
}

internal sealed record TokenExchangeResponse(string? AccessToken, string? TokenType, long? ExpiresIn, string? Scope)
{
    public override string ToString() => $"{TokenType} token, scope {Scope}, expires in {ExpiresIn}s";
}

internal sealed record ApiErrorEnvelope(string? Type, ApiErrorDetail? Error, string? RequestId);

internal sealed record ApiErrorDetail(string? Type, string? Message);

internal sealed record Tunnel(string Id, DateTimeOffset? ArchivedAt, DateTimeOffset? CreatedAt, string? DisplayName, string Domain, string? Type);

internal sealed record TunnelToken(string Id, [property: JsonPropertyName("tunnel_token")] string Value, string? Type)
{
    public override string ToString() => $"tunnel token {Id}";
}

internal sealed record TunnelCertificate(
    string Id,
    DateTimeOffset? ArchivedAt,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? ExpiresAt,
    string? Fingerprint,
    string? TunnelId,
    string? Type);

internal sealed record TunnelCertificatePage(IReadOnlyList<TunnelCertificate> Data, string? NextPage);

internal sealed record CreateTunnelRequest(string? DisplayName);

internal sealed record RotateTokenRequest(string? Reason);

internal sealed record CreateCertificateRequest(string CaCertificatePem);
