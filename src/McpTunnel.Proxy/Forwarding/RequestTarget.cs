using Microsoft.AspNetCore.Http.Features;

namespace McpTunnel.Proxy.Forwarding;

/// <summary>
/// The path and query the next hop receives: the client's request-target exactly as it arrived, with only scheme
/// and authority replaced. Kestrel hands the application a decoded, dot-segment-free <c>Path</c>; forwarding that
/// would change what path-signing schemes sign and what upstream routers match, so the raw target is used instead.
/// </summary>
internal static class RequestTarget
{
    /// <summary>
    /// <c>/a/../b?q</c> for origin-form (HTTP/1.1) and <c>:path</c> (HTTP/2) alike; <c>*</c> for asterisk-form
    /// (<c>OPTIONS *</c>); the path and query of an absolute-form target (<c>https://host/p?q</c> → <c>/p?q</c>).
    /// </summary>
    public static string PathAndQuery(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw))
        {
            return Decoded(context.Request);
        }

        if (raw[0] == '/' || raw == "*")
        {
            return raw;
        }

        // Absolute-form: the path starts at the first '/' after "scheme://authority"; a query may follow the
        // authority directly, and an empty path is "/" (RFC 9112 section 3.2.2).
        var authority = raw.IndexOf("://", StringComparison.Ordinal);
        if (authority < 0)
        {
            return Decoded(context.Request);
        }

        var rest = raw.AsSpan(authority + 3);
        var end = rest.IndexOfAny('/', '?');
        if (end < 0)
        {
            return "/";
        }

        return rest[end] == '/' ? rest[end..].ToString() : string.Concat("/", rest[end..]);
    }

    private static string Decoded(HttpRequest request) =>
        request.PathBase.Add(request.Path).ToUriComponent() + request.QueryString.ToUriComponent();
}
