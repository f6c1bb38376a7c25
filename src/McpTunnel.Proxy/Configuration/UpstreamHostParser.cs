using System.Globalization;

namespace McpTunnel.Proxy.Configuration;

/// <summary>
/// Parses a value of <c>upstream.host_header</c>: <c>original</c>, <c>upstream</c>, or a literal <c>host</c> or
/// <c>host:port</c>. A literal is checked to be a bare authority, because anything else (a scheme, a path, spaces)
/// would put a Host on the wire that no server accepts, and the operator would only find out from a 400.
/// </summary>
internal static class UpstreamHostParser
{
    public static bool TryParse(string text, out UpstreamHostSetting setting, out string reason)
    {
        setting = UpstreamHostSetting.Original;
        reason = "";
        var value = text.Trim();
        switch (value.ToLowerInvariant())
        {
            case "original":
                return true;
            case "upstream":
                setting = UpstreamHostSetting.Upstream;
                return true;
        }

        if (value.Length == 0)
        {
            reason = "is empty";
            return false;
        }

        if (value.Contains("://", StringComparison.Ordinal))
        {
            reason = "a scheme is not allowed in a Host value";
            return false;
        }

        if (value.IndexOfAny(['/', '?', '#', '@', ' ', '\t', ',']) >= 0)
        {
            reason = "a Host value is a bare host or host:port, without a path, user-info, spaces or commas";
            return false;
        }

        var host = value;
        if (value.StartsWith('['))
        {
            var close = value.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || (close + 1 < value.Length && value[close + 1] != ':'))
            {
                reason = "an IPv6 literal is written [addr] or [addr]:port";
                return false;
            }

            host = value[1..close];
            if (close + 1 < value.Length && !ValidPort(value[(close + 2)..]))
            {
                reason = "the port is not a number from 1 to 65535";
                return false;
            }
        }
        else
        {
            var colon = value.LastIndexOf(':');
            if (colon >= 0)
            {
                if (!ValidPort(value[(colon + 1)..]))
                {
                    reason = "the port is not a number from 1 to 65535";
                    return false;
                }

                host = value[..colon];
            }

            if (host.Length == 0 || host.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_')))
            {
                reason = "the host may contain only letters, digits, '.', '-' and '_'";
                return false;
            }
        }

        setting = new UpstreamHostSetting(UpstreamHostMode.Literal, value);
        return true;
    }

    private static bool ValidPort(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535;
}
