using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;
using McpTunnel.Pki.Issuing;
using McpTunnel.Pki.Rules;
using McpTunnel.Setup.Outputs;

namespace McpTunnel.Setup.Certificates;

/// <summary>
/// Setup's use of the shared PKI library: create or load the CA, issue the server certificate and check
/// the result against every rule Anthropic applies (CA at registration, server at inner TLS) before anything is written.
/// </summary>
internal static class SetupCertificates
{
    public static CertificateAuthority CreateAuthority(DateTimeOffset now) =>
        CertificateAuthority.Create(new CertificateAuthorityRequest { NotBefore = StartTime(now) });

    public static CertificateAuthority LoadAuthority(StoredOutput stored, DateTimeOffset now)
    {
        CertificateAuthority authority;
        try
        {
            authority = CertificateAuthority.FromPem(stored.CaCertificatePem!, stored.CaKeyPem!);
        }
        catch (CryptographicException exception)
        {
            throw new SetupException(
                $"the stored CA ({OutputKeys.CaCertificate}, {OutputKeys.CaKey}) cannot be used: {exception.Message}",
                $"restore {OutputKeys.CaCertificate} and {OutputKeys.CaKey} from a backup; or delete both so setup init generates and registers a new CA (then revoke the old one in the Console)",
                innerException: exception);
        }

        var report = CertificateChecker.CheckCa(authority.CertificatePem, now);
        if (!report.Passed)
        {
            authority.Dispose();
            throw new SetupException(
                $"the stored CA ({OutputKeys.CaCertificate}) breaks the Tunnels API rules: {Describe(report)}",
                $"delete {OutputKeys.CaCertificate} and {OutputKeys.CaKey} so setup init generates and registers a new CA, then revoke the old one in the Console");
        }

        return authority;
    }

    /// <summary>Issues <c>*.domain</c> + <c>domain</c> and proves the result passes the server rules.</summary>
    public static IssuedCertificate IssueServer(CertificateAuthority authority, string domain, TimeSpan validity, KeyAlgorithm keyAlgorithm, DateTimeOffset now)
    {
        var issued = authority.IssueServerCertificate(new ServerCertificateRequest(domain)
        {
            Validity = validity,
            KeyAlgorithm = keyAlgorithm,
            NotBefore = StartTime(now),
        });
        var report = CertificateChecker.CheckServer(issued.CertificatePem, authority.CertificatePem, domain, now);
        if (!report.Passed)
        {
            throw new SetupException($"the issued server certificate breaks the rules: {Describe(report)}", "this is a bug in setup; please report it");
        }

        return issued;
    }

    /// <summary>The server key's algorithm: the one asked for, else the stored certificate's (a re-run keeps the operator's choice), else ECDSA P-256.</summary>
    public static KeyAlgorithm ChooseKeyAlgorithm(KeyAlgorithm? requested, string? storedCertificatePem) =>
        requested ?? DetectKeyAlgorithm(storedCertificatePem) ?? KeyAlgorithm.EcdsaP256;

    /// <summary>The key algorithm of a stored server certificate, so a re-run keeps the operator's choice.</summary>
    private static KeyAlgorithm? DetectKeyAlgorithm(string? certificatePem)
    {
        if (certificatePem is null)
        {
            return null;
        }

        try
        {
            using var certificate = X509Certificate2.CreateFromPem(certificatePem);
            using var ecdsa = certificate.GetECDsaPublicKey();
            if (ecdsa is not null)
            {
                return ecdsa.KeySize == 256 ? KeyAlgorithm.EcdsaP256 : null;
            }

            using var rsa = certificate.GetRSAPublicKey();
            return rsa?.KeySize switch
            {
                2048 => KeyAlgorithm.Rsa2048,
                4096 => KeyAlgorithm.Rsa4096,
                _ => null,
            };
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    public static DateTimeOffset? NotAfter(string certificatePem)
    {
        try
        {
            using var certificate = X509Certificate2.CreateFromPem(certificatePem);
            return new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    public static string Describe(KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.EcdsaP256 => "ECDSA P-256",
        KeyAlgorithm.Rsa2048 => "RSA 2048",
        KeyAlgorithm.Rsa4096 => "RSA 4096",
        _ => algorithm.ToString(),
    };

    public static string Describe(CertificateCheckReport report) =>
        string.Join("; ", report.Results.Where(r => !r.Passed).Select(r => $"{r.RuleId}: {r.Detail}"));

    /// <summary>Whole seconds, a little in the past, so a peer whose clock lags still accepts it.</summary>
    private static DateTimeOffset StartTime(DateTimeOffset now)
    {
        var start = now - PkiDefaults.ClockSkew;
        return new DateTimeOffset(start.Ticks - (start.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }
}
