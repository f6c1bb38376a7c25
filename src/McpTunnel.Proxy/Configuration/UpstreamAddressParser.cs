using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace McpTunnel.Proxy.Configuration;

/// <summary>
/// Parses a route value, which must be exactly <c>scheme://host:port</c>, as the original proxy requires: scheme http or
/// https, a mandatory port, and nothing else: no path (not even a lone "/"), query, fragment or user-info.
/// </summary>
internal static class UpstreamAddressParser
{
    public static bool TryParse(string text, out UpstreamAddress address, out string reason)
    {
        address = null!;
        var value = text.Trim();
        var separator = value.IndexOf("://", StringComparison.Ordinal);
        if (separator <= 0)
        {
            reason = "missing scheme";
            return false;
        }

        var scheme = value[..separator].ToLowerInvariant();
        if (scheme is not ("http" or "https"))
        {
            reason = $"scheme \"{scheme}\" is not http or https";
            return false;
        }

        var authority = value[(separator + 3)..];
        var extra = authority.IndexOfAny(['/', '?', '#']);
        if (extra >= 0)
        {
            reason = authority[extra] switch
            {
                '/' => "a path is not allowed",
                '?' => "a query is not allowed",
                _ => "a fragment is not allowed",
            };
            return false;
        }

        if (authority.Contains('@'))
        {
            reason = "user-info is not allowed";
            return false;
        }

        var colon = authority.LastIndexOf(':');
        if (colon < 0 || authority.EndsWith(']'))
        {
            reason = "the port is missing";
            return false;
        }

        var host = authority[..colon];
        if (!int.TryParse(authority.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            reason = $"port \"{authority[(colon + 1)..]}\" is not a number from 1 to 65535";
            return false;
        }

        if (host.StartsWith('[') || (IPAddress.TryParse(host, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6))
        {
            reason = "IPv6 upstreams are not supported (the proxy dials IPv4 only)";
            return false;
        }

        if (host.Length == 0 || Uri.CheckHostName(host) == UriHostNameType.Unknown)
        {
            reason = $"host \"{host}\" is not a valid hostname";
            return false;
        }

        address = new UpstreamAddress(scheme, host.ToLowerInvariant(), port);
        reason = "";
        return true;
    }
}
