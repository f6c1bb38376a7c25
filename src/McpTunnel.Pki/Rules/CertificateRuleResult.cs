namespace McpTunnel.Pki.Rules;

/// <summary>
/// The outcome of one rule: a stable <paramref name="RuleId"/> (e.g. <c>server.san</c>) that tools and
/// tests key on, a one-line description saying who enforces the rule, what was found, and how to fix a failure.
/// </summary>
internal sealed record CertificateRuleResult(string RuleId, string Description, bool Passed, string Detail, string? Fix);
