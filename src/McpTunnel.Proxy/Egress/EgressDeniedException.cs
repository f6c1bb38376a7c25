using System.Net;

namespace McpTunnel.Proxy.Egress;

/// <summary>Thrown from the connect callback when no resolved address may be dialled; mapped to 502.</summary>
internal sealed class EgressDeniedException : Exception
{
    public EgressDeniedException(IPAddress address)
        : base($"IP validation failed: {address} is not a private address")
    {
        Address = address;
    }

    public EgressDeniedException(string message)
        : base(message)
    {
        Address = IPAddress.None;
    }

    public IPAddress Address { get; }
}
