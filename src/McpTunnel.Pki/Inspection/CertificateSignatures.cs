using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;

namespace McpTunnel.Pki.Inspection;

/// <summary>
/// Reads a certificate's signature straight from its DER and verifies it against a given issuer key,
/// so "signed directly by this CA" is answered without chain building (which would mix in validity,
/// EKU and trust-store decisions that other rules report separately).
/// </summary>
internal static class CertificateSignatures
{
    public static SignatureAlgorithmInfo Describe(X509Certificate2 certificate)
    {
        var (_, oid, parameters, _) = Split(certificate);
        SignatureAlgorithms.TryDescribe(oid, parameters, out var info);
        return info;
    }

    /// <summary>True when <paramref name="issuer"/>'s key verifies the certificate's signature.</summary>
    public static bool IsSignedBy(X509Certificate2 certificate, X509Certificate2 issuer)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(issuer);
        try
        {
            var (tbs, oid, parameters, signature) = Split(certificate);
            if (!SignatureAlgorithms.TryDescribe(oid, parameters, out var info))
            {
                return false;
            }

            switch (info.Kind)
            {
                case SignatureKind.RsaPkcs1 or SignatureKind.RsaPss:
                    using (var rsa = issuer.GetRSAPublicKey())
                    {
                        var padding = info.Kind == SignatureKind.RsaPss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
                        return rsa is not null && rsa.VerifyData(tbs, signature, info.HashAlgorithm, padding);
                    }

                case SignatureKind.Ecdsa:
                    using (var ecdsa = issuer.GetECDsaPublicKey())
                    {
                        return ecdsa is not null
                            && ecdsa.VerifyData(tbs, signature, info.HashAlgorithm, DSASignatureFormat.Rfc3279DerSequence);
                    }

                default:
                    return false;
            }
        }
        catch (Exception ex) when (ex is CryptographicException or AsnContentException or ArgumentException or NotSupportedException)
        {
            // Unsupported curves, hashes the platform refuses, malformed DER: all mean "not verified".
            return false;
        }
    }

    /// <summary>Self-issued and verified by its own key: a root.</summary>
    public static bool IsSelfSigned(X509Certificate2 certificate) =>
        certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData)
        && IsSignedBy(certificate, certificate);

    private static (byte[] Tbs, string Oid, ReadOnlyMemory<byte>? Parameters, byte[] Signature) Split(X509Certificate2 certificate)
    {
        // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm AlgorithmIdentifier, signatureValue BIT STRING }
        var outer = new AsnReader(certificate.RawData, AsnEncodingRules.DER).ReadSequence();
        var tbs = outer.ReadEncodedValue().ToArray();
        var algorithm = outer.ReadSequence();
        var oid = algorithm.ReadObjectIdentifier();
        ReadOnlyMemory<byte>? parameters = algorithm.HasData ? algorithm.ReadEncodedValue() : null;
        var signature = outer.ReadBitString(out _);
        return (tbs, oid, parameters, signature);
    }
}
