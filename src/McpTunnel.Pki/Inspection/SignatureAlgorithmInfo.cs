using System.Security.Cryptography;

namespace McpTunnel.Pki.Inspection;

/// <summary>A certificate's signature algorithm: the scheme and the hash name ("SHA256", "SHA1", ...).</summary>
internal sealed record SignatureAlgorithmInfo(SignatureKind Kind, string HashName)
{
    public HashAlgorithmName HashAlgorithm => new(HashName);

    public override string ToString() => Kind switch
    {
        SignatureKind.RsaPkcs1 => $"RSA with {DisplayHash}",
        SignatureKind.RsaPss => $"RSA-PSS with {DisplayHash}",
        SignatureKind.Ecdsa => $"ECDSA with {DisplayHash}",
        _ => "an unrecognised algorithm",
    };

    private string DisplayHash => HashName.StartsWith("SHA", StringComparison.Ordinal) && HashName.Length > 3
        ? $"SHA-{HashName[3..]}"
        : HashName;
}
