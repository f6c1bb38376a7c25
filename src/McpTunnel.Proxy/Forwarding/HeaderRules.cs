using System.Collections.Frozen;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace McpTunnel.Proxy.Forwarding;

/// <summary>
/// Which headers cross the proxy. Hop-by-hop headers (RFC 9110 §7.6.1) and any named in <c>Connection</c> stop
/// here; every end-to-end header, <c>Authorization</c> included, passes untouched: upstream authentication (OAuth, bearer tokens) runs end to end,
/// unless the route has an upstream credential (<c>Credentials/UpstreamCredential</c>), which replaces its own header and may strip the caller's Authorization.
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

    /// <summary>
    /// Forwarding facts a caller could forge. Nothing inside the inner TLS is a trusted hop, so the proxy sets
    /// <c>X-Forwarded-For/-Host/-Proto</c> itself (replacing, never appending to, a caller's) and drops the rest,
    /// which frameworks might otherwise trust (docs/OAUTH.md lists them).
    /// </summary>
    private static readonly FrozenSet<string> CallerForwarding = new[]
    {
        "X-Forwarded-For",
        "X-Forwarded-Host",
        "X-Forwarded-Proto",
        "Forwarded",
        "X-Forwarded-Prefix",
        "X-Forwarded-Port",
        "X-Forwarded-Server",
        "X-Real-IP",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public static bool IsHopByHop(string name) => HopByHop.Contains(name);

    /// <summary>
    /// True for a caller's forwarding header the proxy replaces or drops, in any letter case and also spelt with
    /// underscores (<c>X_Forwarded_For</c>), which some servers (CGI-style environments) read as the same header.
    /// </summary>
    public static bool IsCallerForwardingHeader(string name) =>
        CallerForwarding.Contains(name) || (name.Contains('_', StringComparison.Ordinal) && CallerForwarding.Contains(name.Replace('_', '-')));

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
