using McpTunnel.Cli.Terminal;
using McpTunnel.Pki.Rules;

namespace McpTunnel.Cli.Certs;

/// <summary>Prints a <see cref="CertificateCheckReport"/>: one line per rule, then what was found and, for a failure, the fix.</summary>
internal static class CertificateReportWriter
{
    public static void Write(TextWriter output, string title, CertificateCheckReport report)
    {
        output.WriteLine(title);
        foreach (var result in report.Results)
        {
            output.WriteLine($"  {CheckMark.For(result.Passed)}  {result.RuleId,-24} {result.Description}");
            output.WriteLine($"        found: {result.Detail}");
            if (!result.Passed && result.Fix is { } fix)
            {
                output.WriteLine($"        fix:   {fix}");
            }
        }

        var failures = report.Failures.Count();
        output.WriteLine(failures == 0
            ? $"  => all {report.Results.Count} rules passed"
            : $"  => {failures} of {report.Results.Count} rules failed: {string.Join(", ", report.Failures.Select(f => f.RuleId))}");
    }
}
