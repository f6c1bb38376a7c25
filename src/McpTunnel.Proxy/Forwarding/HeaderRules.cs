using System.Collections.Frozen;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace McpTunnel.Proxy.Forwarding;

/// <summary>
/// Which headers cross the proxy. Hop-by-hop headers (RFC 9110 §7.6.1) and any named in <c>Connection</c> stop
/// here; every end-to-end header, <c>Authorization</c> included, passes untouched: upstream authentication (OAuth, bearer tokens) runs end to end.
/// </summary>
internal static class HeaderRules
{
    private static readonly FrozenSet<string> HopByHop = new[]
    {
        HeaderNames.Connection,
        HeaderNames.KeepAlive,
        "Proxy-Connection",
        HeaderNames.ProxyAuthenticate,
        HeaderNames.ProxyAuthorization,
        HeaderNames.TE,
        HeaderNames.Trailer,
        HeaderNames.TransferEncoding,
        HeaderNames.Upgrade,
        "HTTP2-Settings",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Headers that belong to <see cref="System.Net.Http.HttpContent"/> rather than the request message.</summary>
    private static readonly FrozenSet<string> ContentHeaders = new[]
    {
        HeaderNames.Allow,
        HeaderNames.ContentDisposition,
        HeaderNames.ContentEncoding,
        HeaderNames.ContentLanguage,
        HeaderNames.ContentLength,
        HeaderNames.ContentLocation,
        HeaderNames.ContentMD5,
        HeaderNames.ContentRange,
        HeaderNames.ContentType,
        HeaderNames.Expires,
        HeaderNames.LastModified,
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public static bool IsHopByHop(string name) => HopByHop.Contains(name);

    public static bool IsContentHeader(string name) => ContentHeaders.Contains(name);

    /// <summary>True when <paramref name="name"/> is listed in the message's own <c>Connection</c> header.</summary>
    public static bool IsNamedInConnection(string name, StringValues connection)
    {
        if (StringValues.IsNullOrEmpty(connection))
        {
            return false;
        }

        foreach (var value in connection)
        {
            foreach (var token in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (string.Equals(token, name, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
