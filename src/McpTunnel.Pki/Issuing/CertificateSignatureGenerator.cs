using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;
using McpTunnel.Pki.Inspection;

namespace McpTunnel.Pki.Issuing;

/// <summary>
/// Signs certificates with RSA PKCS#1 v1.5 or ECDSA and any of MD5/SHA-1/SHA-2. The framework's own
/// generators refuse the weak hashes, which the tests need to build certificates the checker must reject.
/// </summary>
internal sealed class CertificateSignatureGenerator : X509SignatureGenerator
{
    private readonly AsymmetricAlgorithm _key;

    public CertificateSignatureGenerator(AsymmetricAlgorithm key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key is not RSA and not ECDsa)
        {
            throw new ArgumentException("Only RSA and ECDSA keys can sign certificates.", nameof(key));
        }

        _key = key;
    }

    public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(SignatureAlgorithms.OidFor(_key is RSA, hashAlgorithm));
            if (_key is RSA)
            {
                // RFC 4055: the PKCS#1 v1.5 identifiers carry an explicit NULL parameter.
                writer.WriteNull();
            }
        }

        return writer.Encode();
    }

    public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm) => _key switch
    {
        RSA rsa => rsa.SignData(data, hashAlgorithm, RSASignaturePadding.Pkcs1),
        ECDsa ecdsa => ecdsa.SignData(data, hashAlgorithm, DSASignatureFormat.Rfc3279DerSequence),
        _ => throw new InvalidOperationException("Unreachable: key type checked in the constructor."),
    };

    protected override PublicKey BuildPublicKey() => new(_key);
}
