namespace McpTunnel.Pki.Issuing;

/// <summary>Constants shared by the generator and the checker.</summary>
internal static class PkiDefaults
{
    /// <summary>
    /// Certificates start this far in the past so a peer whose clock runs a little behind ours
    /// does not see a brand-new certificate as "not yet valid".
    /// </summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>The Tunnels API refuses a CA PEM over 8 kB.</summary>
    public const int MaxCaPemBytes = 8192;

    /// <summary>Random serials of 16 bytes (128 bits), well above CA/B Forum's 64-bit minimum.</summary>
    public const int SerialNumberBytes = 16;
}
