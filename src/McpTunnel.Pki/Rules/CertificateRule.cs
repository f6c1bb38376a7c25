namespace McpTunnel.Pki.Rules;

/// <summary>A rule's identity and default fix, producing its <see cref="CertificateRuleResult"/>s.</summary>
internal sealed record CertificateRule(string Id, string Description, string DefaultFix)
{
    public CertificateRuleResult Pass(string detail) => new(Id, Description, true, detail, null);

    public CertificateRuleResult Fail(string detail, string? fix = null) => new(Id, Description, false, detail, fix ?? DefaultFix);

    public CertificateRuleResult Check(bool passed, string detail, string? fix = null) => passed ? Pass(detail) : Fail(detail, fix);

    /// <summary>For rules that cannot run because there is no certificate to look at.</summary>
    public CertificateRuleResult NotChecked(string reason) =>
        new(Id, Description, false, $"not checked: {reason}", "Provide a readable PEM certificate, then check again.");
}
