namespace McpTunnel.Bench;

/// <summary>Everything one run measured; parts that did not run are empty.</summary>
internal sealed class BenchResults
{
    public required BenchOptions Options { get; init; }
    public required string CommandLine { get; init; }
    public DateTimeOffset Started { get; } = DateTimeOffset.UtcNow;
    public bool NginxPresent { get; set; }
    public bool ProxyOutOfProcess { get; set; }
    /// <summary>One per start of each mcp-proxy binary (out of process only).</summary>
    public IReadOnlyList<StartupResult>? Startup { get; set; }
    public List<RequestResponseResult> RequestResponse { get; } = [];
    public IReadOnlyDictionary<string, LatencyHistogram>? Sse { get; set; }
    public IReadOnlyDictionary<string, List<double>>? Bulk { get; set; }
    public IReadOnlyList<HandshakeResult>? Handshakes { get; set; }
    /// <summary>One per idle pass: one pass, or one per <c>--proxy-binary</c> and round when builds are compared.</summary>
    public IReadOnlyList<IdleResult>? Idle { get; set; }
}
