using System.Security.Cryptography.X509Certificates;
using McpTunnel.Pki.Inspection;

namespace McpTunnel.Pki.Rules;

/// <summary>The key-strength and signature-hash rules, shared by CA and server checks.</summary>
internal static class KeyAndHashRules
{
    /// <summary>The rules every certificate is held to, CA or server, in report order: validity period, key strength, signature hash.</summary>
    public static IEnumerable<CertificateRuleResult> CheckValidityKeyAndHash(
        (CertificateRule Validity, CertificateRule KeyStrength, CertificateRule SignatureHash) rules, X509Certificate2 certificate, DateTimeOffset now)
    {
        yield return ValidityRule.Check(rules.Validity, certificate, now);
        yield return CheckKey(rules.KeyStrength, certificate);
        yield return CheckHash(rules.SignatureHash, certificate);
    }

    public static CertificateRuleResult CheckKey(CertificateRule rule, X509Certificate2 certificate)
    {
        var (strong, description) = KeyStrength.Evaluate(certificate);
        return rule.Check(strong, strong ? description : $"{description} is too weak or not accepted");
    }

    public static CertificateRuleResult CheckHash(CertificateRule rule, X509Certificate2 certificate)
    {
        var signature = CertificateSignatures.Describe(certificate);
        var strong = signature.Kind != SignatureKind.Unknown && SignatureAlgorithms.IsStrongHash(signature.HashName);
        var oid = certificate.SignatureAlgorithm.Value;
        return strong
            ? rule.Pass($"signed with {signature}")
            : rule.Fail(signature.Kind == SignatureKind.Unknown
                ? $"signature algorithm {oid} is not recognised"
                : $"signed with {signature}, weaker than SHA-256");
    }
}
