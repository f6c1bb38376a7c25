using McpTunnel.Proxy.Configuration;

namespace McpTunnel.Proxy.Policy;

/// <summary>
/// One route's policy at run time, compiled once from <see cref="RoutePolicySettings"/>: the name rules per kind, the
/// bounds on what may be held, and the limits. Decides a whole request body: every message in it must be allowed, or
/// none of it is forwarded (a batch is one HTTP request; the server would run all of it).
/// </summary>
internal sealed class RoutePolicy
{
    public RoutePolicy(string route, RoutePolicySettings settings)
    {
        Route = route;
        Settings = settings;
        var field = $"policy.{route}";
        Tools = Compile($"{field}.tools", settings.Tools, settings.Default);
        Prompts = Compile($"{field}.prompts", settings.Prompts, settings.Default);
        Resources = Compile($"{field}.resources", settings.Resources, settings.Default);
    }

    public string Route { get; }

    public RoutePolicySettings Settings { get; }

    public NameRules Tools { get; }

    public NameRules Prompts { get; }

    public NameRules Resources { get; }

    /// <summary>The effective policy in words, one line per part (what <c>mcptunnel check</c> prints under the route).</summary>
    public IReadOnlyList<string> Describe()
    {
        var lines = new List<string>
        {
            $"tools: {Tools.Describe()}",
            $"prompts: {Prompts.Describe()}",
            $"resources: {Resources.Describe()}",
        };
        if (Settings.Limits is { } limits)
        {
            lines.Add($"limits: every request {DescribeLimits(limits)}");
        }

        foreach (var (tool, toolLimits) in Settings.ToolLimits)
        {
            lines.Add($"limits: tool {tool} {DescribeLimits(toolLimits)}");
        }

        lines.Add($"held to decide: request bodies up to {Settings.MaxMessageBytes} bytes, list answers up to {Settings.MaxListResponseBytes} bytes");
        return lines;
    }

    /// <summary>The limits on one call in words: <c>5 per 1m (burst 5), 1 in flight</c>.</summary>
    public static string DescribeLimits(CallLimitSettings limits)
    {
        var parts = new List<string>(2);
        if (limits.Rate > 0)
        {
            parts.Add($"{limits.Rate} per {McpTunnel.Common.GoDuration.Format(limits.Period)} (burst {limits.Burst})");
        }

        if (limits.Concurrency > 0)
        {
            parts.Add($"{limits.Concurrency} in flight");
        }

        return string.Join(", ", parts);
    }

    /// <summary>The rules that filter a list response of <paramref name="target"/>; null when nothing needs filtering.</summary>
    public NameRules? ListFilterFor(PolicyTarget target)
    {
        var rules = target switch
        {
            PolicyTarget.ToolsList => Tools,
            PolicyTarget.PromptsList => Prompts,
            PolicyTarget.ResourcesList or PolicyTarget.ResourceTemplatesList => Resources,
            _ => null,
        };
        return rules is { AllowsEverything: false } ? rules : null;
    }

    /// <summary>The decision on one message; messages that act on no named thing are always allowed.</summary>
    public MessageDecision Decide(McpMessage message)
    {
        var (rules, kind) = message.Target switch
        {
            PolicyTarget.Tool => (Tools, "tool"),
            PolicyTarget.Prompt => (Prompts, "prompt"),
            PolicyTarget.Resource => (Resources, "resource"),
            _ => ((NameRules?)null, ""),
        };
        if (rules is null)
        {
            return MessageDecision.NotSubject;
        }

        if (message.TargetName is not { } name)
        {
            // Fail closed: a call whose name cannot be read is never forwarded on a guess.
            return new MessageDecision(PolicyReason.Unreadable, kind, null, $"{message.Method} names no {kind} the tunnel can read");
        }

        var verdict = rules.Decide(name);
        return new MessageDecision(verdict.Allowed ? PolicyReason.Allowed : PolicyReason.Denied, kind, name, verdict.Rule);
    }

    private static NameRules Compile(string field, NameRuleSettings names, PolicyDefault? routeDefault) =>
        new(field, names.Allow, names.Deny, names.EffectiveDefault(routeDefault));
}

/// <summary>Why one message may or may not pass; <see cref="Rule"/> names the config entry (or the fault) that decided.</summary>
internal readonly record struct MessageDecision(PolicyReason Reason, string Kind, string? Name, string Rule)
{
    public static readonly MessageDecision NotSubject = new(PolicyReason.NotSubject, "", null, "");

    public bool Forwardable => Reason is PolicyReason.NotSubject or PolicyReason.Allowed;
}

/// <summary>The outcome of the policy for a request; also the bounded <c>reason</c> label of the policy metrics.</summary>
internal enum PolicyReason
{
    /// <summary>The message acts on no named tool, prompt or resource.</summary>
    NotSubject,
    Allowed,
    Denied,

    /// <summary>The body could not be read as JSON-RPC, or a call's name could not be read: refused, fail closed.</summary>
    Unreadable,

    /// <summary>The body was larger than <c>max_message_size</c>: refused, fail closed.</summary>
    TooLarge,

    /// <summary><c>Mcp-Method</c>/<c>Mcp-Name</c> headers disagree with the body.</summary>
    HeaderMismatch,
    RateLimited,
    ConcurrencyLimited,
}
