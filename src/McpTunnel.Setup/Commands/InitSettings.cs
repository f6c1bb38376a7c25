using McpTunnel.Pki.Issuing;
using McpTunnel.Setup.Api;
using McpTunnel.Setup.Outputs;

namespace McpTunnel.Setup.Commands;

/// <summary>Validated inputs of <c>setup init</c>: its flags and <c>ANTHROPIC_*</c> variables.</summary>
internal sealed record InitSettings(
    Uri ApiUrl,
    string? TunnelId,
    OutputDestination Output,
    TimeSpan CertDuration,
    string? TokenVersion,
    KeyAlgorithm? KeyType,
    WorkloadIdentitySettings Identity);
