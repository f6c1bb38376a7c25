using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;
using McpTunnel.Pki.Inspection;
using McpTunnel.Pki.Pem;

namespace McpTunnel.Pki.Rules;

/// <summary>
/// The server-certificate rules, one by one: what Anthropic checks on the proxy's certificate during inner TLS. The
/// server PEM may be a chain (leaf first). Without a CA, the rules that need one are reduced:
/// <c>server.signed-by-ca</c> is left out and <c>server.aki-matches-ski</c> only checks presence.
/// </summary>
internal static class ServerCertificateRules
{
    public static CertificateCheckReport Check(string serverPem, string? caPem, string? name, ServerNameKind kind, DateTimeOffset now)
    {
        var server = Read(serverPem, "server certificate", out var serverError);
        string? caError = null;
        var caList = caPem is null ? [] : Read(caPem, "CA", out caError);
        try
        {
            if (server.Count == 0)
            {
                return NotChecked(serverError ?? "the server PEM holds no certificate", caPem is not null);
            }

            var leaf = server[0];
            var ca = caList.Count > 0 ? caList[0] : null;
            var facts = CertificateFacts.Read(leaf);
            var results = new List<CertificateRuleResult>();
            if (ca is not null)
            {
                results.Add(SignedByCa(leaf, ca));
            }
            else if (caPem is not null)
            {
                results.Add(CertificateRules.ServerSignedByCa.Fail(
                    caError ?? "the CA PEM holds no certificate",
                    "Pass the registered CA certificate (ca.crt) in PEM form."));
            }

            results.Add(ChainRules.NoIntermediate(server, ca));
            results.Add(AkiMatchesSki(facts, ca));
            results.Add(SanRule.Check(facts, name, kind));
            results.Add(Eku(facts));
            results.AddRange(KeyAndHashRules.CheckValidityKeyAndHash(
                (CertificateRules.ServerValidity, CertificateRules.ServerKeyStrength, CertificateRules.ServerSignatureHash), leaf, now));
            return new CertificateCheckReport(results);
        }
        finally
        {
            foreach (var certificate in server.Concat(caList))
            {
                certificate.Dispose();
            }
        }
    }

    private static IReadOnlyList<X509Certificate2> Read(string pem, string what, out string? error)
    {
        error = null;
        try
        {
            return PemBundle.ReadCertificates(pem);
        }
        catch (CryptographicException ex)
        {
            error = $"{what}: {ex.Message}";
            return [];
        }
    }

    private static CertificateCheckReport NotChecked(string reason, bool withCa)
    {
        CertificateRule[] rules =
        [
            .. withCa ? [CertificateRules.ServerSignedByCa] : Array.Empty<CertificateRule>(),
            CertificateRules.ServerNoIntermediate, CertificateRules.ServerAkiMatchesSki, CertificateRules.ServerSan,
            CertificateRules.ServerEku, CertificateRules.ServerValidity, CertificateRules.ServerKeyStrength,
            CertificateRules.ServerSignatureHash,
        ];
        return new CertificateCheckReport(rules.Select(r => r.NotChecked(reason)).ToList());
    }

    private static CertificateRuleResult SignedByCa(X509Certificate2 leaf, X509Certificate2 ca)
    {
        var rule = CertificateRules.ServerSignedByCa;
        if (!CertificateSignatures.IsSignedBy(leaf, ca))
        {
            return rule.Fail($"issued by {leaf.Issuer}; the signature does not verify with the key of the CA {ca.Subject}");
        }

        return leaf.IssuerName.RawData.AsSpan().SequenceEqual(ca.SubjectName.RawData)
            ? rule.Pass($"signed by {ca.Subject}")
            : rule.Fail($"signed by the CA's key, but the issuer name {leaf.Issuer} differs from the CA's subject {ca.Subject}");
    }

    private static CertificateRuleResult AkiMatchesSki(CertificateFacts facts, X509Certificate2? ca)
    {
        var rule = CertificateRules.ServerAkiMatchesSki;
        if (!facts.HasAuthorityKeyIdentifier)
        {
            return rule.Fail("no AuthorityKeyIdentifier extension");
        }

        if (facts.AuthorityKeyIdentifier is not { Length: > 0 } aki)
        {
            return rule.Fail("the AuthorityKeyIdentifier has no keyIdentifier (only issuer and serial)");
        }

        if (ca is null)
        {
            return rule.Pass($"AuthorityKeyIdentifier {Hex.Colon(aki)} (not compared: no CA given)");
        }

        var ski = CertificateFacts.Read(ca).SubjectKeyIdentifier;
        if (ski is null)
        {
            return rule.Fail(
                $"the CA {ca.Subject} has no SubjectKeyIdentifier to match AuthorityKeyIdentifier {Hex.Colon(aki)}",
                CertificateRules.CaSubjectKeyIdentifier.DefaultFix);
        }

        return aki.AsSpan().SequenceEqual(ski)
            ? rule.Pass($"AuthorityKeyIdentifier {Hex.Colon(aki)} equals the CA's SubjectKeyIdentifier")
            : rule.Fail($"AuthorityKeyIdentifier {Hex.Colon(aki)} does not match the CA's SubjectKeyIdentifier {Hex.Colon(ski)}");
    }

    private static CertificateRuleResult Eku(CertificateFacts facts)
    {
        var rule = CertificateRules.ServerEku;
        if (facts.ExtendedKeyUsages is not { } usages)
        {
            return rule.Pass("no ExtendedKeyUsage extension (any use allowed)");
        }

        var names = string.Join(", ", usages.Select(u => new Oid(u).FriendlyName ?? u));
        return rule.Check(
            usages.Contains(CertificateFacts.ServerAuthOid),
            usages.Contains(CertificateFacts.ServerAuthOid)
                ? $"ExtendedKeyUsage includes serverAuth ({names})"
                : $"ExtendedKeyUsage is {(names.Length == 0 ? "empty" : names)}, without serverAuth");
    }
}
