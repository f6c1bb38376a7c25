namespace McpTunnel.Setup.Tests.Fakes;

/// <summary>A registered CA certificate as the fake stores it.</summary>
public sealed class FakeCertificate
{
    public required string Id { get; init; }

    public required string TunnelId { get; init; }

    public required string Fingerprint { get; init; }

    public required string Pem { get; init; }

    public long Sequence { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public DateTimeOffset? ArchivedAt { get; set; }
}
