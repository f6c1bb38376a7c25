namespace McpTunnel.Setup.Tests.Fakes;

/// <summary>A tunnel as the fake stores it.</summary>
public sealed class FakeTunnel
{
    public required string Id { get; init; }

    public required string Domain { get; init; }

    public string? DisplayName { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? ArchivedAt { get; set; }

    public required string TokenId { get; set; }

    public required string TokenValue { get; set; }

    public int Rotations { get; set; }

    public int Reveals { get; set; }
}
