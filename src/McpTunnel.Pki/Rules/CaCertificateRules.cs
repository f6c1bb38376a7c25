using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;
using System.Text;
using McpTunnel.Pki.Inspection;
using McpTunnel.Pki.Issuing;
using McpTunnel.Pki.Pem;

namespace McpTunnel.Pki.Rules;

/// <summary>The CA rules the Tunnels API enforces at registration, one by one, on the CA PEM exactly as it would be uploaded.</summary>
internal static class CaCertificateRules
{
    public static CertificateCheckReport Check(string caPem, DateTimeOffset now)
    {
        var results = new List<CertificateRuleResult>();
        IReadOnlyList<X509Certificate2> certificates = [];
        string? parseError = null;
        try
        {
            certificates = PemBundle.ReadCertificates(caPem);
        }
        catch (CryptographicException ex)
        {
            parseError = ex.Message;
        }

        try
        {
            results.Add(SingleCertificate(certificates, parseError));
            var size = Encoding.UTF8.GetByteCount(caPem);
            results.Add(CertificateRules.CaSize.Check(
                size <= PkiDefaults.MaxCaPemBytes, $"{size} bytes (limit {PkiDefaults.MaxCaPemBytes})"));
            results.Add(PemBundle.ContainsPrivateKey(caPem)
                ? CertificateRules.CaNoPrivateKey.Fail("the PEM contains a PRIVATE KEY block")
                : CertificateRules.CaNoPrivateKey.Pass("no private-key block"));

            if (certificates.Count == 0)
            {
                var reason = parseError ?? "the PEM holds no certificate";
                results.Add(CertificateRules.CaBasicConstraints.NotChecked(reason));
                results.Add(CertificateRules.CaSubjectKeyIdentifier.NotChecked(reason));
                results.Add(CertificateRules.CaKeyUsage.NotChecked(reason));
                results.Add(CertificateRules.CaValidity.NotChecked(reason));
                results.Add(CertificateRules.CaKeyStrength.NotChecked(reason));
                results.Add(CertificateRules.CaSignatureHash.NotChecked(reason));
                return new CertificateCheckReport(results);
            }

            // With several certificates the Tunnels API rejects the upload; the first one is still
            // checked so the operator learns everything in one go.
            var ca = certificates[0];
            var facts = CertificateFacts.Read(ca);
            results.Add(BasicConstraints(facts));
            results.Add(facts.SubjectKeyIdentifier is { Length: > 0 } ski
                ? CertificateRules.CaSubjectKeyIdentifier.Pass($"SubjectKeyIdentifier {Hex.Colon(ski)}")
                : CertificateRules.CaSubjectKeyIdentifier.Fail("no SubjectKeyIdentifier extension"));
            results.Add(KeyUsage(facts));
            results.AddRange(KeyAndHashRules.CheckValidityKeyAndHash(
                (CertificateRules.CaValidity, CertificateRules.CaKeyStrength, CertificateRules.CaSignatureHash), ca, now));
            return new CertificateCheckReport(results);
        }
        finally
        {
            foreach (var certificate in certificates)
            {
                certificate.Dispose();
            }
        }
    }

    private static CertificateRuleResult SingleCertificate(IReadOnlyList<X509Certificate2> certificates, string? parseError)
    {
        var rule = CertificateRules.CaSingleCertificate;
        if (parseError is not null)
        {
            return rule.Fail(parseError);
        }

        return certificates.Count switch
        {
            0 => rule.Fail("no \"-----BEGIN CERTIFICATE-----\" block found (is it DER, or the wrong file?)",
                "Upload the PEM CA certificate (openssl x509 -in ca.der -inform der -out ca.crt converts DER)."),
            1 => rule.Pass($"one certificate: {certificates[0].Subject}"),
            _ => rule.Fail($"{certificates.Count} certificates: {string.Join("; ", certificates.Select(c => c.Subject))}"),
        };
    }

    private static CertificateRuleResult BasicConstraints(CertificateFacts facts)
    {
        var rule = CertificateRules.CaBasicConstraints;
        return facts.BasicConstraints switch
        {
            null => rule.Fail("no BasicConstraints extension"),
            { CertificateAuthority: false } => rule.Fail("BasicConstraints is CA:FALSE"),
            { Critical: false } => rule.Fail("BasicConstraints CA:TRUE is not marked critical"),
            _ => rule.Pass("BasicConstraints critical, CA:TRUE"),
        };
    }

    private static CertificateRuleResult KeyUsage(CertificateFacts facts)
    {
        var rule = CertificateRules.CaKeyUsage;
        if (facts.KeyUsage is null)
        {
            return rule.Fail("no KeyUsage extension");
        }

        var usages = facts.KeyUsage.KeyUsages;
        return rule.Check(usages.HasFlag(X509KeyUsageFlags.KeyCertSign), $"KeyUsage {usages}");
    }
}
