using System.Security.Cryptography.X509Certificates;
using McpTunnel.Pki.Inspection;

namespace McpTunnel.Pki.Rules;

/// <summary>
/// The server rule "signed directly by a registered CA, no intermediates". Extra certificates after the leaf are tolerated only when
/// they are the registered CA itself (a "full chain" ending in the root) or, without a CA to compare, a
/// self-signed root; anything else is an intermediate.
/// </summary>
internal static class ChainRules
{
    public static CertificateRuleResult NoIntermediate(IReadOnlyList<X509Certificate2> chain, X509Certificate2? ca)
    {
        var rule = CertificateRules.ServerNoIntermediate;
        var leaf = chain[0];
        var intermediates = chain.Skip(1).Where(c => !IsRoot(c, ca)).ToList();
        var issuer = intermediates.FirstOrDefault(c => CertificateSignatures.IsSignedBy(leaf, c));
        if (issuer is not null)
        {
            var signedByCa = ca is not null && CertificateSignatures.IsSignedBy(issuer, ca) ? ", which the CA signed" : string.Empty;
            return rule.Fail($"the leaf is issued by the intermediate {issuer.Subject}{signedByCa}");
        }

        if (intermediates.Count > 0)
        {
            return rule.Fail(
                $"the PEM holds {intermediates.Count} certificate(s) besides the leaf and the CA: " +
                string.Join("; ", intermediates.Select(c => c.Subject)));
        }

        if (ca is not null && !CertificateSignatures.IsSignedBy(leaf, ca))
        {
            return rule.Pass($"no intermediate certificate in the PEM (the leaf's issuer {leaf.Issuer} is checked by server.signed-by-ca)");
        }

        return rule.Pass(chain.Count == 1 ? "the PEM holds the leaf alone" : "the PEM holds the leaf and its root CA");
    }

    private static bool IsRoot(X509Certificate2 certificate, X509Certificate2? ca) => ca is not null
        ? certificate.RawData.AsSpan().SequenceEqual(ca.RawData)
        : CertificateSignatures.IsSelfSigned(certificate);
}
