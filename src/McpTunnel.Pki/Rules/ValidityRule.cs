using System.Security.Cryptography.X509Certificates;
using McpTunnel.Pki.Inspection;

namespace McpTunnel.Pki.Rules;

/// <summary>The validity-period rule, shared by CA and server checks, with operator-friendly dates.</summary>
internal static class ValidityRule
{
    public static CertificateRuleResult Check(CertificateRule rule, X509Certificate2 certificate, DateTimeOffset now)
    {
        var notBefore = CertificateTimes.NotBefore(certificate);
        var notAfter = CertificateTimes.NotAfter(certificate);
        if (now > notAfter)
        {
            return rule.Fail($"expired {Format(notAfter)}, {Span(now - notAfter)} ago");
        }

        if (now < notBefore)
        {
            return rule.Fail(
                $"not valid until {Format(notBefore)}, {Span(notBefore - now)} from now",
                "Check the clock of the machine that issued it; a certificate dated in the future is rejected until then. " + rule.DefaultFix);
        }

        return rule.Pass($"valid from {Format(notBefore)} to {Format(notAfter)}, {Span(notAfter - now)} left");
    }

    public static string Format(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'");

    /// <summary>"14 days", "3 hours", "1 minute": precise enough for an operator, no more.</summary>
    public static string Span(TimeSpan span)
    {
        static string Unit(int count, string unit) => count == 1 ? $"1 {unit}" : $"{count} {unit}s";

        if (span.TotalDays >= 1)
        {
            return Unit((int)span.TotalDays, "day");
        }

        return span.TotalHours >= 1 ? Unit((int)span.TotalHours, "hour") : Unit((int)span.TotalMinutes, "minute");
    }
}
