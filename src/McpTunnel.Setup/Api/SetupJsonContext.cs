using System.Text.Json.Serialization;

namespace McpTunnel.Setup.Api;

/// <summary>Source-generated JSON for the API shapes: snake_case, nulls omitted on the wire.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TokenExchangeRequest))]
[JsonSerializable(typeof(TokenExchangeResponse))]
[JsonSerializable(typeof(ApiErrorEnvelope))]
[JsonSerializable(typeof(Tunnel))]
[JsonSerializable(typeof(TunnelToken))]
[JsonSerializable(typeof(TunnelCertificate))]
[JsonSerializable(typeof(TunnelCertificatePage))]
[JsonSerializable(typeof(CreateTunnelRequest))]
[JsonSerializable(typeof(RotateTokenRequest))]
[JsonSerializable(typeof(CreateCertificateRequest))]
internal sealed partial class SetupJsonContext : JsonSerializerContext;
