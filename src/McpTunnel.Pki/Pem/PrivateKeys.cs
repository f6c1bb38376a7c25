using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;

namespace McpTunnel.Pki.Pem;

/// <summary>
/// Loads private keys in every unencrypted PEM form openssl writes (PKCS#8 "PRIVATE KEY",
/// "RSA PRIVATE KEY", "EC PRIVATE KEY" possibly after an "EC PARAMETERS" block) and writes PKCS#8.
/// </summary>
internal static class PrivateKeys
{
    private const string RsaOid = "1.2.840.113549.1.1.1";
    private const string EcOid = "1.2.840.10045.2.1";

    /// <summary>Returns an <see cref="RSA"/> or <see cref="ECDsa"/>; the caller owns it.</summary>
    public static AsymmetricAlgorithm Load(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        var blocks = PemBundle.ReadBlocks(pem).Where(b => b.IsPrivateKey).ToList();
        if (blocks.Count == 0)
        {
            throw new CryptographicException("The key PEM holds no \"-----BEGIN ... PRIVATE KEY-----\" block.");
        }

        if (blocks.Count > 1)
        {
            throw new CryptographicException($"The key PEM holds {blocks.Count} private keys; expected exactly one.");
        }

        var block = blocks[0];
        try
        {
            return block.Label switch
            {
                "PRIVATE KEY" => LoadPkcs8(block.Data),
                "RSA PRIVATE KEY" => LoadRsa(block.Data),
                "EC PRIVATE KEY" => LoadEc(block.Data),
                "ENCRYPTED PRIVATE KEY" => throw new CryptographicException(
                    "The private key is encrypted; decrypt it first (openssl pkey -in key.pem -out plain.pem)."),
                _ => throw new CryptographicException(
                    $"Unsupported private key type \"{block.Label}\"; use an RSA or ECDSA key in PEM form."),
            };
        }
        catch (AsnContentException ex)
        {
            throw new CryptographicException($"The \"{block.Label}\" block is not a valid private key: {ex.Message}", ex);
        }
    }

    /// <summary>PKCS#8 "PRIVATE KEY" PEM with a final newline (like openssl's), the format every output of this library uses.</summary>
    public static string Export(AsymmetricAlgorithm key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.ExportPkcs8PrivateKeyPem() + "\n";
    }

    /// <summary>True when <paramref name="key"/> is the private half of the certificate's public key.</summary>
    public static bool MatchesCertificate(AsymmetricAlgorithm key, X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(certificate);
        var fromKey = new PublicKey(key);
        return fromKey.Oid.Value == certificate.PublicKey.Oid.Value
            && fromKey.EncodedKeyValue.RawData.AsSpan().SequenceEqual(certificate.PublicKey.EncodedKeyValue.RawData);
    }

    private static AsymmetricAlgorithm LoadPkcs8(ReadOnlyMemory<byte> der)
    {
        // PrivateKeyInfo ::= SEQUENCE { version INTEGER, privateKeyAlgorithm AlgorithmIdentifier, ... }
        var reader = new AsnReader(der, AsnEncodingRules.BER);
        var info = reader.ReadSequence();
        _ = info.ReadInteger();
        var algorithm = info.ReadSequence().ReadObjectIdentifier();
        return algorithm switch
        {
            RsaOid => Import(RSA.Create(), der, (k, d) => k.ImportPkcs8PrivateKey(d, out _)),
            EcOid => Import(ECDsa.Create(), der, (k, d) => k.ImportPkcs8PrivateKey(d, out _)),
            _ => throw new CryptographicException($"Unsupported private key algorithm {algorithm}; use an RSA or ECDSA key."),
        };
    }

    private static RSA LoadRsa(ReadOnlyMemory<byte> der) => Import(RSA.Create(), der, (k, d) => k.ImportRSAPrivateKey(d, out _));

    private static ECDsa LoadEc(ReadOnlyMemory<byte> der) => Import(ECDsa.Create(), der, (k, d) => k.ImportECPrivateKey(d, out _));

    private static T Import<T>(T key, ReadOnlyMemory<byte> der, ImportAction<T> import)
        where T : AsymmetricAlgorithm
    {
        try
        {
            import(key, der.Span);
            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    private delegate void ImportAction<in T>(T key, ReadOnlySpan<byte> der);
}
