namespace McpTunnel.Cli.Top;

/// <summary>What one <c>top</c> screen shows, worked out from two scrapes (<see cref="TopCalculator"/>).</summary>
internal sealed record TopView
{
    public required bool Ready { get; init; }

    public required string Readiness { get; init; }

    public double? TunnelsActive { get; init; }

    public double TunnelsOpened { get; init; }

    public double? StreamingOpen { get; init; }

    /// <summary>Seconds between the two scrapes the rates come from.</summary>
    public double IntervalSeconds { get; init; }

    public IReadOnlyList<RouteRow> Routes { get; init; } = [];

    /// <summary><c>upstream_failures_total</c> by kind (all routes).</summary>
    public IReadOnlyList<CountRow> UpstreamFailures { get; init; } = [];

    /// <summary>Failed inner TLS handshakes by reason.</summary>
    public IReadOnlyList<CountRow> HandshakeFailures { get; init; } = [];

    public IReadOnlyList<ToolRow> Tools { get; init; } = [];

    /// <summary>Requests the MCP policy answered instead of forwarding, by "route: reason" (empty without a policy).</summary>
    public IReadOnlyList<CountRow> PolicyRefusals { get; init; } = [];

    public double? CertificateExpiryDays { get; init; }

    public string? Version { get; init; }
}

/// <summary>A route's requests: the total, the rate between the scrapes, and latency quantiles in seconds.</summary>
internal sealed record RouteRow(string Route, double Requests, double PerSecond, double? P50, double? P99);

internal sealed record CountRow(string Name, double Count);

internal sealed record ToolRow(string Route, string Tool, double Calls);
