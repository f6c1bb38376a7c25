using System.Net;
using System.Net.Sockets;
using McpTunnel.Proxy.Configuration;

namespace McpTunnel.Proxy.Egress;

/// <summary>
/// Which upstream addresses the proxy may dial, the proxy's SSRF defence: IPv4 only; by default the RFC1918 ranges
/// (loopback excluded); a configured <c>allowed_ips</c> replaces the default; validation can be disabled.
/// </summary>
internal sealed class EgressPolicy
{
    public static readonly IReadOnlyList<IPNetwork> Rfc1918 =
    [
        IPNetwork.Parse("10.0.0.0/8"),
        IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.168.0.0/16"),
    ];

    public EgressPolicy(UpstreamSettings settings)
    {
        ValidationDisabled = settings.DisableIpValidation;
        AllowedNetworks = settings.AllowedIps.Count > 0 ? settings.AllowedIps : Rfc1918;
        UsesDefaultRanges = settings.AllowedIps.Count == 0;
    }

    public bool ValidationDisabled { get; }

    public bool UsesDefaultRanges { get; }

    public IReadOnlyList<IPNetwork> AllowedNetworks { get; }

    /// <summary>Decides for one address about to be dialled; IPv4-mapped IPv6 is judged as the IPv4 it carries.</summary>
    public EgressVerdict Evaluate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            return new EgressVerdict(address, false, "IPv6 is not supported on the upstream hop");
        }

        if (ValidationDisabled)
        {
            return new EgressVerdict(address, true, "upstream.disable_ip_validation is true");
        }

        foreach (var network in AllowedNetworks)
        {
            if (network.Contains(address))
            {
                return new EgressVerdict(address, true, UsesDefaultRanges ? $"in default private range {network}" : $"in allowed_ips entry {network}");
            }
        }

        return new EgressVerdict(address, false, UsesDefaultRanges
            ? "outside the default private ranges 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16"
            : $"outside upstream.allowed_ips ({string.Join(", ", AllowedNetworks)})");
    }
}

/// <summary>The decision for one address and the rule that made it (used by logs and <c>mcptunnel check --explain</c>).</summary>
internal sealed record EgressVerdict(IPAddress Address, bool Allowed, string Reason);
