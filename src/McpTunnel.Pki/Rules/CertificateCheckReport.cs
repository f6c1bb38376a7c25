namespace McpTunnel.Pki.Rules;

/// <summary>Every rule checked, in a stable order; passed when all of them passed.</summary>
internal sealed record CertificateCheckReport(IReadOnlyList<CertificateRuleResult> Results)
{
    public bool Passed => Results.All(r => r.Passed);

    public IEnumerable<CertificateRuleResult> Failures => Results.Where(r => !r.Passed);

    /// <summary>The result of one rule, or null when that rule was not checked.</summary>
    public CertificateRuleResult? Find(string ruleId) => Results.FirstOrDefault(r => r.RuleId == ruleId);
}
