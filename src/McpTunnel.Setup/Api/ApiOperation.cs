namespace McpTunnel.Setup.Api;

/// <summary>The Anthropic API calls setup makes; failures are explained per operation in <see cref="ApiFailures"/>.</summary>
internal enum ApiOperation
{
    TokenExchange,
    CreateTunnel,
    GetTunnel,
    RevealToken,
    RotateToken,
    ListCertificates,
    RegisterCertificate,
}
