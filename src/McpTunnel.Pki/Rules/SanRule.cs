using McpTunnel.Pki.Inspection;

namespace McpTunnel.Pki.Rules;

/// <summary>
/// The server rule on names: a SAN DNS name must match <c>&lt;route&gt;.&lt;tunnel-domain&gt;</c>.
/// Common name is never consulted: TLS clients ignore it when SANs are absent.
/// </summary>
internal static class SanRule
{
    public static CertificateRuleResult Check(CertificateFacts facts, string? name, ServerNameKind kind)
    {
        var rule = CertificateRules.ServerSan;
        if (facts.DnsNames is not { Count: > 0 } sans)
        {
            return rule.Fail("no SubjectAlternativeName DNS names (the common name alone is ignored by TLS clients)");
        }

        var listed = string.Join(", ", sans);
        if (string.IsNullOrWhiteSpace(name))
        {
            return rule.Pass($"SAN {listed} (not compared: no tunnel domain or host given)");
        }

        var target = DnsNameMatcher.Normalize(name);
        var wildcard = sans.FirstOrDefault(s => DnsNameMatcher.CoversEveryRoute(s, target));
        if (kind != ServerNameKind.Host && wildcard is not null)
        {
            return rule.Pass($"SAN {wildcard} covers every route of {target}");
        }

        var match = kind switch
        {
            ServerNameKind.Host => sans.FirstOrDefault(s => DnsNameMatcher.Matches(s, target)),

            // Auto: the name counts as a host only when a wildcard matches it, so a bare-domain SAN
            // (which matches no route) does not pass for a tunnel domain.
            ServerNameKind.Auto => sans.FirstOrDefault(s => s.StartsWith("*.", StringComparison.Ordinal) && DnsNameMatcher.Matches(s, target)),
            _ => null,
        };
        if (match is not null)
        {
            return rule.Pass($"SAN {match} matches {target}");
        }

        return rule.Fail(kind switch
        {
            ServerNameKind.Host => $"SAN {listed} does not match {target}",
            ServerNameKind.TunnelDomain => $"SAN {listed} does not cover the routes of {target} (needs *.{target})",
            _ => $"SAN {listed} does not cover {target} (as a host, or as a tunnel domain via *.{target})",
        });
    }
}
