namespace McpTunnel.Pki.Issuing;

/// <summary>Key types the PKI can generate; flag spellings live in <see cref="KeyAlgorithms"/>.</summary>
internal enum KeyAlgorithm
{
    EcdsaP256,
    Rsa2048,
    Rsa4096,
}
