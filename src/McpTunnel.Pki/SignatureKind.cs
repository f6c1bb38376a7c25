namespace McpTunnel.Pki;

internal enum SignatureKind
{
    Unknown,
    RsaPkcs1,
    RsaPss,
    Ecdsa,
}
