using System.Security.Cryptography;

namespace McpTunnel.Pki.Issuing;

/// <summary>Generates keys and random serial numbers for new certificates.</summary>
internal static class KeyFactory
{
    /// <summary>Returns a new <see cref="ECDsa"/> or <see cref="RSA"/>; the caller owns it.</summary>
    public static AsymmetricAlgorithm Generate(KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.EcdsaP256 => ECDsa.Create(ECCurve.NamedCurves.nistP256),
        KeyAlgorithm.Rsa2048 => RSA.Create(2048),
        KeyAlgorithm.Rsa4096 => RSA.Create(4096),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown key algorithm."),
    };

    /// <summary>
    /// A random positive serial of <see cref="PkiDefaults.SerialNumberBytes"/> bytes. The top bit is
    /// cleared (DER INTEGERs are signed) and the next one set so the encoding keeps its full length.
    /// </summary>
    public static byte[] NewSerialNumber()
    {
        var serial = RandomNumberGenerator.GetBytes(PkiDefaults.SerialNumberBytes);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x40);
        return serial;
    }
}
