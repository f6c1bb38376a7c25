namespace McpTunnel.Proxy.Configuration;

/// <summary>
/// <c>policy.&lt;route&gt;</c>: what one route exposes of its MCP server and how often it may be called (our extension;
/// a route without an entry is forwarded untouched, see docs/ARCHITECTURE.md "MCP policy"). Names and URIs are
/// decided from the JSON-RPC body the upstream will execute, never from headers alone.
/// </summary>
internal sealed record RoutePolicySettings
{
    /// <summary>
    /// Whether a name that no list matches is exposed, for every kind that does not set its own; null when not written,
    /// and then a kind with an allow list exposes only what it names and a kind without one exposes everything not denied.
    /// </summary>
    public PolicyDefault? Default { get; init; }

    public NameRuleSettings Tools { get; init; } = NameRuleSettings.Empty;

    public NameRuleSettings Prompts { get; init; } = NameRuleSettings.Empty;

    public NameRuleSettings Resources { get; init; } = NameRuleSettings.Empty;

    /// <summary>The most bytes of one request body held to read it before deciding; a larger body is refused.</summary>
    public long MaxMessageBytes { get; init; } = DefaultMaxMessageBytes;

    /// <summary>The most bytes of a list response held to filter it; a larger one is answered with an error, never passed unfiltered.</summary>
    public long MaxListResponseBytes { get; init; } = DefaultMaxListResponseBytes;

    /// <summary>Limits on every JSON-RPC request to the route; null when none.</summary>
    public CallLimitSettings? Limits { get; init; }

    /// <summary>Limits per tool name (exact names), on top of the route's.</summary>
    public IReadOnlyDictionary<string, CallLimitSettings> ToolLimits { get; init; } = new Dictionary<string, CallLimitSettings>(StringComparer.Ordinal);

    public const long DefaultMaxMessageBytes = 1024 * 1024;

    public const long DefaultMaxListResponseBytes = 4 * 1024 * 1024;
}

internal enum PolicyDefault
{
    Allow,
    Deny,
}

/// <summary>Allow and deny globs for one kind of name (tools, prompts or resource URIs); deny wins.</summary>
internal sealed record NameRuleSettings(IReadOnlyList<NamePattern> Allow, IReadOnlyList<NamePattern> Deny)
{
    public static readonly NameRuleSettings Empty = new([], []);

    /// <summary>Overrides the route's <see cref="RoutePolicySettings.Default"/> for this kind only; null inherits it.</summary>
    public PolicyDefault? Default { get; init; }

    /// <summary>
    /// The default in force: this kind's, else the route's, else deny when an allow list is written (a list of what
    /// is allowed means "only these") and allow when none is.
    /// </summary>
    public PolicyDefault EffectiveDefault(PolicyDefault? routeDefault) =>
        Default ?? routeDefault ?? (Allow.Count > 0 ? PolicyDefault.Deny : PolicyDefault.Allow);
}

/// <summary>
/// A token bucket (<see cref="Rate"/> calls per <see cref="Period"/>, up to <see cref="Burst"/> at once) and a cap on
/// calls in flight; either may be absent.
/// </summary>
internal sealed record CallLimitSettings
{
    /// <summary>Calls allowed per <see cref="Period"/>; 0 when there is no rate limit.</summary>
    public int Rate { get; init; }

    public TimeSpan Period { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Calls that may arrive at once after a quiet spell; defaults to <see cref="Rate"/>.</summary>
    public int Burst { get; init; }

    /// <summary>Calls forwarded and not yet answered; 0 when there is no cap.</summary>
    public int Concurrency { get; init; }

    /// <summary>The rate as written back to an operator: <c>5/1m0s</c>.</summary>
    public string DescribeRate() => $"{Rate}/{McpTunnel.Common.GoDuration.Format(Period)}";
}
