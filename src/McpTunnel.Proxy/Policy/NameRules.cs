using McpTunnel.Proxy.Configuration;

namespace McpTunnel.Proxy.Policy;

/// <summary>
/// The compiled allow and deny lists for one kind of name on one route. Deny wins over allow; a name neither list
/// matches gets the default. Every answer carries the rule that made it, so <c>check --explain</c>, the log line and
/// the audit record can all say why.
/// </summary>
internal sealed class NameRules
{
    private readonly NamePattern[] _allow;
    private readonly NamePattern[] _deny;
    private readonly PolicyDefault _default;
    private readonly string _field;

    public NameRules(string field, IReadOnlyList<NamePattern> allow, IReadOnlyList<NamePattern> deny, PolicyDefault fallback)
    {
        _field = field;
        _allow = [.. allow];
        _deny = [.. deny];
        _default = fallback;
    }

    /// <summary>True when every name is allowed (no deny entry, default allow): lists of this kind need no filtering.</summary>
    public bool AllowsEverything => _deny.Length == 0 && _default == PolicyDefault.Allow;

    /// <summary>The rules in one line, as <c>check</c> prints them: <c>allow [a*, b] deny [c*], else deny</c>.</summary>
    public string Describe()
    {
        var parts = new List<string>(3);
        if (_allow.Length > 0)
        {
            parts.Add($"allow [{string.Join(", ", _allow.Select(p => p.Text))}]");
        }

        if (_deny.Length > 0)
        {
            parts.Add($"deny [{string.Join(", ", _deny.Select(p => p.Text))}]");
        }

        var otherwise = _default == PolicyDefault.Allow ? "allowed" : "denied";
        return parts.Count == 0 ? $"all {otherwise}" : $"{string.Join(" ", parts)}, anything else {otherwise}";
    }

    public PolicyVerdict Decide(string name)
    {
        for (var i = 0; i < _deny.Length; i++)
        {
            if (_deny[i].IsMatch(name))
            {
                return new PolicyVerdict(false, $"{_field}.deny[{i}] \"{_deny[i].Text}\"");
            }
        }

        for (var i = 0; i < _allow.Length; i++)
        {
            if (_allow[i].IsMatch(name))
            {
                return new PolicyVerdict(true, $"{_field}.allow[{i}] \"{_allow[i].Text}\"");
            }
        }

        return _default == PolicyDefault.Allow
            ? new PolicyVerdict(true, $"{_field}: no entry matches; the default is allow")
            : new PolicyVerdict(false, $"{_field}: no allow entry matches and the default is deny");
    }
}

/// <summary>Whether a name is exposed, and the rule that decided it (for logs, metrics' reason, audit and explain).</summary>
internal readonly record struct PolicyVerdict(bool Allowed, string Rule);
