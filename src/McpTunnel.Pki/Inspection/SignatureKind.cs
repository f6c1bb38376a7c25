namespace McpTunnel.Pki.Inspection;

internal enum SignatureKind
{
    Unknown,
    RsaPkcs1,
    RsaPss,
    Ecdsa,
}
