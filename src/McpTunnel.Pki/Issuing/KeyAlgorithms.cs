namespace McpTunnel.Pki.Issuing;

/// <summary>
/// The command-line spellings of <see cref="KeyAlgorithm"/> (<c>--key-type=ecdsa-p256</c> and so on),
/// kept in one place so setup, the CLI and the docs agree.
/// </summary>
internal static class KeyAlgorithms
{
    public const string EcdsaP256Flag = "ecdsa-p256";
    public const string Rsa2048Flag = "rsa2048";
    public const string Rsa4096Flag = "rsa4096";

    /// <summary>Every accepted spelling, in the order help texts list them.</summary>
    public static IReadOnlyList<string> Flags { get; } = [EcdsaP256Flag, Rsa2048Flag, Rsa4096Flag];

    public static bool TryParse(string text, out KeyAlgorithm algorithm)
    {
        ArgumentNullException.ThrowIfNull(text);
        switch (text.Trim().ToLowerInvariant())
        {
            case EcdsaP256Flag:
                algorithm = KeyAlgorithm.EcdsaP256;
                return true;
            case Rsa2048Flag:
                algorithm = KeyAlgorithm.Rsa2048;
                return true;
            case Rsa4096Flag:
                algorithm = KeyAlgorithm.Rsa4096;
                return true;
            default:
                algorithm = default;
                return false;
        }
    }

    public static string ToFlag(KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.EcdsaP256 => EcdsaP256Flag,
        KeyAlgorithm.Rsa2048 => Rsa2048Flag,
        KeyAlgorithm.Rsa4096 => Rsa4096Flag,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown key algorithm."),
    };
}
