using System.Formats.Asn1;
using System.Security.Cryptography;

namespace McpTunnel.Pki.Inspection;

/// <summary>
/// Signature algorithm OIDs and the hash each one uses, both for signing and for the checker's
/// "SHA-256 or stronger" rule (CA and server certificate alike).
/// </summary>
internal static class SignatureAlgorithms
{
    public const string RsaPss = "1.2.840.113549.1.1.10";

    private static readonly Dictionary<string, (bool Rsa, string Hash)> Known = new()
    {
        ["1.2.840.113549.1.1.2"] = (true, "MD2"),
        ["1.2.840.113549.1.1.4"] = (true, "MD5"),
        ["1.2.840.113549.1.1.5"] = (true, "SHA1"),
        ["1.2.840.113549.1.1.14"] = (true, "SHA224"),
        ["1.2.840.113549.1.1.11"] = (true, "SHA256"),
        ["1.2.840.113549.1.1.12"] = (true, "SHA384"),
        ["1.2.840.113549.1.1.13"] = (true, "SHA512"),
        ["1.2.840.10045.4.1"] = (false, "SHA1"),
        ["1.2.840.10045.4.3.1"] = (false, "SHA224"),
        ["1.2.840.10045.4.3.2"] = (false, "SHA256"),
        ["1.2.840.10045.4.3.3"] = (false, "SHA384"),
        ["1.2.840.10045.4.3.4"] = (false, "SHA512"),
    };

    private static readonly Dictionary<string, string> HashOids = new()
    {
        ["1.2.840.113549.2.5"] = "MD5",
        ["1.3.14.3.2.26"] = "SHA1",
        ["2.16.840.1.101.3.4.2.4"] = "SHA224",
        ["2.16.840.1.101.3.4.2.1"] = "SHA256",
        ["2.16.840.1.101.3.4.2.2"] = "SHA384",
        ["2.16.840.1.101.3.4.2.3"] = "SHA512",
    };

    /// <summary>Hashes that meet "SHA-256 or stronger".</summary>
    public static bool IsStrongHash(string hashName) => hashName is "SHA256" or "SHA384" or "SHA512";

    public static string OidFor(bool rsa, HashAlgorithmName hashAlgorithm)
    {
        foreach (var (oid, entry) in Known)
        {
            if (entry.Rsa == rsa && entry.Hash == hashAlgorithm.Name)
            {
                return oid;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(hashAlgorithm), hashAlgorithm.Name, "No certificate signature algorithm for this hash.");
    }

    /// <summary>
    /// Identifies a signature algorithm: whether it is RSA PKCS#1/PSS or ECDSA, and its hash.
    /// <paramref name="parameters"/> is the AlgorithmIdentifier's parameters (needed for RSA-PSS).
    /// </summary>
    public static bool TryDescribe(string oid, ReadOnlyMemory<byte>? parameters, out SignatureAlgorithmInfo info)
    {
        if (Known.TryGetValue(oid, out var entry))
        {
            info = new SignatureAlgorithmInfo(entry.Rsa ? SignatureKind.RsaPkcs1 : SignatureKind.Ecdsa, entry.Hash);
            return true;
        }

        if (oid == RsaPss)
        {
            info = new SignatureAlgorithmInfo(SignatureKind.RsaPss, PssHash(parameters));
            return true;
        }

        info = new SignatureAlgorithmInfo(SignatureKind.Unknown, "unknown");
        return false;
    }

    private static string PssHash(ReadOnlyMemory<byte>? parameters)
    {
        // RSASSA-PSS-params ::= SEQUENCE { hashAlgorithm [0] HashAlgorithm DEFAULT sha1, ... }
        if (parameters is null)
        {
            return "SHA1";
        }

        try
        {
            var sequence = new AsnReader(parameters.Value, AsnEncodingRules.DER).ReadSequence();
            var hashTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
            if (!sequence.HasData || !sequence.PeekTag().HasSameClassAndValue(hashTag))
            {
                return "SHA1";
            }

            var hashOid = sequence.ReadSequence(hashTag).ReadSequence().ReadObjectIdentifier();
            return HashOids.TryGetValue(hashOid, out var name) ? name : hashOid;
        }
        catch (AsnContentException)
        {
            return "unknown";
        }
    }
}
