namespace McpTunnel.Setup.Tests.Support;

/// <summary>A clock tests move by hand (FakeTimeProvider is not available here).</summary>
public sealed class ManualTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}
