using System.Globalization;
using System.Net;

namespace McpTunnel.Common.Net;

/// <summary>
/// A listen address, one rule for the proxy's <c>listen_addr</c>/<c>admin_addr</c> and every <c>--listen</c> flag of
/// the CLI: Go's <c>host:port</c>, where the host is empty (<c>:8080</c>, every interface), <c>localhost</c>, or an IP
/// literal (IPv6 in brackets, <c>[::1]:8080</c>), and the port 0–65535 (0: the system picks one). Host names are
/// refused: a listener binds addresses, and a name that resolves differently later would bind somewhere else.
/// </summary>
internal sealed record ListenAddress(string Host, int Port)
{
    /// <summary>Every interface (the host was empty).</summary>
    public bool IsAllInterfaces => Host.Length == 0;

    public bool IsLocalhost => Host == "localhost";

    /// <summary>The address to bind: any for every interface, loopback for localhost.</summary>
    public IPEndPoint ToEndPoint() => new(
        IsAllInterfaces ? IPAddress.Any : IsLocalhost ? IPAddress.Loopback : IPAddress.Parse(Host),
        Port);

    /// <summary>
    /// The host a client on this machine dials to reach the listener (<c>-healthcheck</c>, <c>doctor</c>), in URL form:
    /// an every-interface listener is reached on loopback of its family, an IPv6 literal in brackets.
    /// </summary>
    public string LocalDialHost => Host switch
    {
        "" or "0.0.0.0" => "127.0.0.1",
        "::" => "[::1]",
        var h when h.Contains(':', StringComparison.Ordinal) => $"[{h}]",
        var h => h,
    };

    /// <summary>
    /// Reads <c>host:port</c>. On failure <paramref name="problem"/> says what is wrong with the value in words the
    /// caller puts after the field or flag name (<c>listen_addr: …</c>, <c>--listen: …</c>).
    /// </summary>
    public static bool TryParse(string text, out ListenAddress? address, out string problem)
    {
        if (!TrySplit(text, out var host, out var port))
        {
            address = null;
            problem = $"\"{text}\" is not host:port";
            return false;
        }

        return TryCreate(host, port, text, out address, out problem);
    }

    /// <summary>
    /// Reads a listen flag that has a port flag beside it (<c>--listen</c> with <c>--port</c>): <paramref name="port"/>
    /// replaces the port of <c>host:port</c>, or completes a bare host (<c>127.0.0.1</c>, <c>[::1]</c>, <c>localhost</c>,
    /// or empty for every interface). The host follows the same rule as in <see cref="TryParse(string, out ListenAddress?, out string)"/>.
    /// </summary>
    public static bool TryParse(string text, int port, out ListenAddress? address, out string problem)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        return TryCreate(TrySplit(text, out var host, out _) ? host : text, port, text, out address, out problem);
    }

    /// <summary>Splits at the last colon outside brackets; false when there is no port part or it is not 0–65535.</summary>
    private static bool TrySplit(string text, out string host, out int port)
    {
        host = "";
        port = 0;
        var colon = text.LastIndexOf(':');
        if (colon < 0 || colon < text.LastIndexOf(']')
            || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port)
            || port > 65535)
        {
            return false;
        }

        host = text[..colon];
        return true;
    }

    /// <summary>The host part's rule: empty, <c>localhost</c>, or an IP literal with IPv6 in brackets.</summary>
    private static bool TryCreate(string host, int port, string text, out ListenAddress? address, out string problem)
    {
        address = null;
        problem = "";
        var bracketed = host.StartsWith('[') && host.EndsWith(']');
        if (bracketed)
        {
            host = host[1..^1];
        }

        if (host.Length > 0 && host != "localhost")
        {
            if (!IPAddress.TryParse(host, out var ip))
            {
                problem = $"host \"{host}\" is not an IP address";
                return false;
            }

            if (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && !bracketed)
            {
                problem = $"the IPv6 address in \"{text}\" must be in brackets, as in [{host}]:{port}";
                return false;
            }
        }

        address = new ListenAddress(host, port);
        return true;
    }

    /// <summary>As written in a config or on a command line: <c>:8080</c>, <c>127.0.0.1:8080</c>, <c>[::1]:8080</c>.</summary>
    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
