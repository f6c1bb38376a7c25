using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace McpTunnel.Proxy.Forwarding;

/// <summary>
/// What Kestrel accepts but an intermediary must refuse rather than repair before the HTTP/1.1 hop: methods the
/// tunnel cannot carry and messages the HTTP RFCs call malformed. Kestrel's parsers already refuse most malformed
/// HTTP/1.1; these are the gaps an independent client found. Stripping the bad parts instead would forward a
/// message the client did not send.
/// </summary>
internal static class InnerRequestRules
{
    /// <summary>Why the request must not be forwarded, or null when it may.</summary>
    public static (ForwarderError Error, string Reason)? Check(HttpContext context)
    {
        var request = context.Request;

        // CONNECT asks the proxy to open a raw TCP tunnel to a host and port the client picks (or, in HTTP/2 with
        // :protocol, a WebSocket). Neither is an MCP request, and forwarding it would dial where the route did not say.
        if (HttpMethods.IsConnect(request.Method))
        {
            return (ForwarderError.MethodNotSupported, "CONNECT is not forwarded");
        }

        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "";
        if (target == "*")
        {
            // The upstream client cannot send asterisk-form, and "OPTIONS /" would be another request.
            return (ForwarderError.MethodNotSupported, "OPTIONS * (asterisk-form) is not forwarded");
        }

        if (target.AsSpan().IndexOfAny(ForbiddenInTarget) >= 0)
        {
            return (ForwarderError.MalformedRequest, "request target contains a space, a control character or a fragment");
        }

        return HttpProtocol.IsHttp2(request.Protocol) || HttpProtocol.IsHttp3(request.Protocol) ? CheckFieldSection(request.Headers) : null;
    }

    // RFC 9113 section 8.2.2: connection-specific fields are malformed in HTTP/2 (Kestrel refuses Connection itself).
    private static readonly string[] ConnectionSpecific = [HeaderNames.Connection, HeaderNames.KeepAlive, "Proxy-Connection", HeaderNames.TransferEncoding, HeaderNames.Upgrade];

    private static readonly System.Buffers.SearchValues<char> ForbiddenInTarget = System.Buffers.SearchValues.Create(
        "# \t\r\n\0\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\u000b\u000c\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f\u007f");

    // RFC 9110 section 5.6.2 tchar. Uppercase is allowed here because Kestrel already refuses uppercase HTTP/2 names
    // and reports known headers under their canonical spelling ("Content-Type").
    private static readonly System.Buffers.SearchValues<char> FieldNameChars = System.Buffers.SearchValues.Create(
        "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");

    private static (ForwarderError, string)? CheckFieldSection(IHeaderDictionary headers)
    {
        foreach (var name in ConnectionSpecific)
        {
            if (headers.ContainsKey(name))
            {
                return (ForwarderError.MalformedRequest, $"connection-specific header \"{name.ToLowerInvariant()}\" in an HTTP/2 request");
            }
        }

        if (headers.TryGetValue(HeaderNames.TE, out var te) && !(te.Count == 1 && string.Equals(te[0], "trailers", StringComparison.OrdinalIgnoreCase)))
        {
            return (ForwarderError.MalformedRequest, "te header other than \"trailers\" in an HTTP/2 request");
        }

        foreach (var (name, _) in headers)
        {
            // Kestrel keeps pseudo-headers out of the collection, so a ':' here is inside a regular name.
            if (name.Length == 0 || name.AsSpan().ContainsAnyExcept(FieldNameChars))
            {
                return (ForwarderError.MalformedRequest, "header name that is not a token in an HTTP/2 request");
            }
        }

        return null;
    }

}
