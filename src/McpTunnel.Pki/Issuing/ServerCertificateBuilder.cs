using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;
using McpTunnel.Pki.Inspection;

namespace McpTunnel.Pki.Issuing;

/// <summary>
/// The to-be-signed part of a server certificate: CN = tunnel domain, SAN
/// <c>*.&lt;domain&gt;</c> + <c>&lt;domain&gt;</c>, AKI = the CA's SKI in key-identifier form (what openssl's
/// <c>authorityKeyIdentifier=keyid</c> writes), EKU serverAuth, CA:FALSE.
/// </summary>
internal static class ServerCertificateBuilder
{
    public static void Validate(ServerCertificateRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Domain) || request.Domain.Contains('*', StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"The tunnel domain \"{request.Domain}\" is not a host name (expected e.g. abcd1234.tunnel.anthropic.com).",
                nameof(request));
        }

        if (request.Validity <= TimeSpan.Zero)
        {
            throw new ArgumentException("The server certificate validity must be positive.", nameof(request));
        }

        if (request.EffectiveDnsNames.Count == 0)
        {
            throw new ArgumentException("A server certificate needs at least one SAN DNS name.", nameof(request));
        }
    }

    public static CertificateRequest BuildRequest(ServerCertificateRequest request, AsymmetricAlgorithm key, byte[] caSubjectKeyIdentifier)
    {
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(request.Domain);
        var certificateRequest = new CertificateRequest(subject.Build(), new PublicKey(key), request.HashAlgorithm);
        var extensions = certificateRequest.CertificateExtensions;

        extensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));

        // keyEncipherment only matters for RSA key transport; ECDSA keys never encipher.
        var usage = key is RSA
            ? X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment
            : X509KeyUsageFlags.DigitalSignature;
        extensions.Add(new X509KeyUsageExtension(usage, critical: true));

        if (request.IncludeServerAuthEku)
        {
            extensions.Add(new X509EnhancedKeyUsageExtension([new Oid(CertificateFacts.ServerAuthOid)], critical: false));
        }

        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in request.EffectiveDnsNames)
        {
            san.AddDnsName(name);
        }

        extensions.Add(san.Build());
        extensions.Add(new X509SubjectKeyIdentifierExtension(certificateRequest.PublicKey, critical: false));

        if (request.IncludeAuthorityKeyIdentifier)
        {
            extensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(caSubjectKeyIdentifier));
        }

        return certificateRequest;
    }
}
