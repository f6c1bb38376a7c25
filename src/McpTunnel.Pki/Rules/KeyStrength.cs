using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;

namespace McpTunnel.Pki.Rules;

/// <summary>
/// "RSA 2048 bits or more, or ECDSA P-256 or stronger", for the CA and the server certificate alike. Only the NIST curves count:
/// they are what TLS stacks (Go's included) accept for ECDSA certificates.
/// </summary>
internal static class KeyStrength
{
    private const string RsaOid = "1.2.840.113549.1.1.1";
    private const string EcOid = "1.2.840.10045.2.1";
    private const int MinimumRsaBits = 2048;

    private static readonly Dictionary<string, (string Name, bool Strong)> Curves = new()
    {
        ["1.2.840.10045.3.1.1"] = ("P-192", false),
        ["1.3.132.0.33"] = ("P-224", false),
        ["1.2.840.10045.3.1.7"] = ("P-256", true),
        ["1.3.132.0.34"] = ("P-384", true),
        ["1.3.132.0.35"] = ("P-521", true),
    };

    /// <summary>Whether the key is strong enough, and a description such as "RSA 1024 bits".</summary>
    public static (bool Strong, string Description) Evaluate(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var publicKey = certificate.PublicKey;
        switch (publicKey.Oid.Value)
        {
            case RsaOid:
                using (var rsa = certificate.GetRSAPublicKey())
                {
                    var bits = rsa?.KeySize ?? 0;
                    return (bits >= MinimumRsaBits, $"RSA {bits} bits");
                }

            case EcOid:
                var curveOid = CurveOid(publicKey.EncodedParameters?.RawData ?? []);
                if (curveOid is null)
                {
                    return (false, "ECDSA with explicit curve parameters (not a named curve)");
                }

                return Curves.TryGetValue(curveOid, out var curve)
                    ? (curve.Strong, $"ECDSA {curve.Name}")
                    : (false, $"ECDSA on curve {new Oid(curveOid).FriendlyName ?? curveOid} (not P-256, P-384 or P-521)");

            default:
                var name = publicKey.Oid.FriendlyName ?? publicKey.Oid.Value;
                return (false, $"{name} key (only RSA and ECDSA are accepted)");
        }
    }

    private static string? CurveOid(byte[] parameters)
    {
        try
        {
            var reader = new AsnReader(parameters, AsnEncodingRules.DER);
            return reader.PeekTag().HasSameClassAndValue(Asn1Tag.ObjectIdentifier) ? reader.ReadObjectIdentifier() : null;
        }
        catch (AsnContentException)
        {
            return null;
        }
    }
}
