using System.Net;
using System.Net.Sockets;

namespace McpTunnel.Proxy.Configuration;

/// <summary>An <c>allowed_ips</c> entry: an IPv4 CIDR or a single IPv4 address meaning /32.</summary>
internal static class AllowedIpParser
{
    public static bool TryParse(string text, out IPNetwork network, out string reason)
    {
        network = default;
        reason = "";
        if (text.Length == 0)
        {
            reason = "is empty";
            return false;
        }

        var slash = text.IndexOf('/');
        var addressText = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(addressText, out var address) || addressText.Count(c => c == '.') != 3 && address.AddressFamily == AddressFamily.InterNetwork)
        {
            reason = "is not an IPv4 address or CIDR";
            return false;
        }

        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            reason = "is IPv6; only IPv4 is supported on the upstream hop";
            return false;
        }

        var prefix = 32;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out prefix) || prefix is < 0 or > 32))
        {
            reason = "has a prefix length outside 0-32";
            return false;
        }

        // Mask host bits so "10.1.2.3/8" means 10.0.0.0/8, as Go's net.ParseCIDR network does.
        var bits = BitConverter.ToUInt32(address.GetAddressBytes().Reverse().ToArray());
        var mask = prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);
        var masked = new IPAddress(BitConverter.GetBytes(bits & mask).Reverse().ToArray());
        network = new IPNetwork(masked, prefix);
        return true;
    }
}
