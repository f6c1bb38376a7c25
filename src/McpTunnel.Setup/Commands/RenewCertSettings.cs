using McpTunnel.Pki.Issuing;
using McpTunnel.Setup.Outputs;

namespace McpTunnel.Setup.Commands;

/// <summary>Validated inputs of <c>setup renew-cert</c>.</summary>
internal sealed record RenewCertSettings(
    OutputDestination Output,
    TimeSpan CertDuration,
    TimeSpan RenewBefore,
    KeyAlgorithm? KeyType);
