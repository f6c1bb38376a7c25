using McpTunnel.Pki.Rules;

namespace McpTunnel.Pki.Tests.Infrastructure;

/// <summary>Assertions on checker reports that say which rules failed and why, when they fail.</summary>
public static class RuleAssert
{
    public static readonly string[] AllCa =
    [
        "ca.single-certificate", "ca.size", "ca.no-private-key", "ca.basic-constraints", "ca.ski",
        "ca.key-usage", "ca.validity", "ca.key-strength", "ca.signature-hash",
    ];

    public static readonly string[] AllServer =
    [
        "server.signed-by-ca", "server.no-intermediate", "server.aki-matches-ski", "server.san",
        "server.eku", "server.validity", "server.key-strength", "server.signature-hash",
    ];

    internal static void AssertPassesAll(CertificateCheckReport report, string[] expectedRules)
    {
        Assert.Equal(expectedRules, report.Results.Select(r => r.RuleId).ToArray());
        Assert.True(report.Passed, Describe(report));
        Assert.All(report.Results, r => Assert.Null(r.Fix));
    }

    /// <summary>Exactly these rules failed, each with a detail and a fix.</summary>
    internal static void AssertFails(CertificateCheckReport report, params string[] failedRules)
    {
        var failed = report.Failures.Select(r => r.RuleId).Order(StringComparer.Ordinal).ToArray();
        Assert.True(failedRules.Order(StringComparer.Ordinal).SequenceEqual(failed), Describe(report));
        Assert.False(report.Passed);
        Assert.All(report.Failures, r =>
        {
            Assert.False(string.IsNullOrWhiteSpace(r.Detail));
            Assert.False(string.IsNullOrWhiteSpace(r.Fix));
        });
    }

    internal static string Detail(CertificateCheckReport report, string ruleId) =>
        report.Find(ruleId)?.Detail ?? throw new InvalidOperationException($"rule {ruleId} not in the report");

    internal static string Describe(CertificateCheckReport report) =>
        string.Join(Environment.NewLine, report.Results.Select(r => $"{(r.Passed ? "PASS" : "FAIL")} {r.RuleId}: {r.Detail}"));
}
