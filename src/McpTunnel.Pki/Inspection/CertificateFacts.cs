using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;

namespace McpTunnel.Pki.Inspection;

/// <summary>
/// The extensions the CA and server-certificate rules look at, decoded once. An extension that is present
/// but cannot be decoded is reported as absent and named in <see cref="MalformedExtensions"/>.
/// </summary>
internal sealed class CertificateFacts
{
    public const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";

    private const string BasicConstraintsOid = "2.5.29.19";
    private const string KeyUsageOid = "2.5.29.15";
    private const string SubjectKeyIdentifierOid = "2.5.29.14";
    private const string AuthorityKeyIdentifierOid = "2.5.29.35";
    private const string ExtendedKeyUsageOid = "2.5.29.37";
    private const string SubjectAlternativeNameOid = "2.5.29.17";

    private CertificateFacts()
    {
    }

    public X509BasicConstraintsExtension? BasicConstraints { get; private set; }

    public X509KeyUsageExtension? KeyUsage { get; private set; }

    public byte[]? SubjectKeyIdentifier { get; private set; }

    /// <summary>True when the AKI extension is present, even without a keyIdentifier field.</summary>
    public bool HasAuthorityKeyIdentifier { get; private set; }

    public byte[]? AuthorityKeyIdentifier { get; private set; }

    /// <summary>Null when the certificate has no ExtendedKeyUsage extension (then any use is allowed).</summary>
    public IReadOnlyList<string>? ExtendedKeyUsages { get; private set; }

    /// <summary>Null when the certificate has no SubjectAlternativeName extension.</summary>
    public IReadOnlyList<string>? DnsNames { get; private set; }

    public IReadOnlyList<string> MalformedExtensions { get; private set; } = [];

    public static CertificateFacts Read(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var facts = new CertificateFacts();
        var malformed = new List<string>();
        foreach (var extension in certificate.Extensions)
        {
            try
            {
                facts.Apply(extension);
            }
            catch (CryptographicException)
            {
                malformed.Add(extension.Oid?.FriendlyName ?? extension.Oid?.Value ?? "unknown");
            }
        }

        facts.MalformedExtensions = malformed;
        return facts;
    }

    private void Apply(X509Extension extension)
    {
        // Construct the typed extensions from the raw bytes and touch their properties here, so a
        // malformed extension fails inside Read's try rather than later in a rule.
        switch (extension.Oid?.Value)
        {
            case BasicConstraintsOid:
                var basic = new X509BasicConstraintsExtension(extension, extension.Critical);
                _ = basic.CertificateAuthority;
                BasicConstraints = basic;
                break;
            case KeyUsageOid:
                var usage = new X509KeyUsageExtension(extension, extension.Critical);
                _ = usage.KeyUsages;
                KeyUsage = usage;
                break;
            case SubjectKeyIdentifierOid:
                SubjectKeyIdentifier = new X509SubjectKeyIdentifierExtension(extension, extension.Critical)
                    .SubjectKeyIdentifierBytes.ToArray();
                break;
            case AuthorityKeyIdentifierOid:
                var aki = new X509AuthorityKeyIdentifierExtension(extension.RawData, extension.Critical);
                AuthorityKeyIdentifier = aki.KeyIdentifier?.ToArray();
                HasAuthorityKeyIdentifier = true;
                break;
            case ExtendedKeyUsageOid:
                ExtendedKeyUsages = new X509EnhancedKeyUsageExtension(extension, extension.Critical)
                    .EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value ?? string.Empty).ToList();
                break;
            case SubjectAlternativeNameOid:
                DnsNames = new X509SubjectAlternativeNameExtension(extension.RawData, extension.Critical)
                    .EnumerateDnsNames().ToList();
                break;
            default:
                break;
        }
    }
}
