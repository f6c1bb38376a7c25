using Microsoft.AspNetCore.Http;

namespace McpTunnel.Proxy.Forwarding;

/// <summary>
/// The one place where outcomes become what the caller sees (DESIGN.md "Forwarding", OQ4): status and a
/// one-line text/plain body. <c>502 No route configured for host</c> is the documented text (spec item 44).
/// </summary>
internal static class ForwarderErrorMapper
{
    public static (int Status, string Body) Map(ForwarderError error) => error switch
    {
        ForwarderError.NoRoute => (StatusCodes.Status502BadGateway, "No route configured for host"),
        ForwarderError.MisdirectedRequest => (StatusCodes.Status421MisdirectedRequest, "Misdirected request: the TLS server name and the Host header name different routes"),
        ForwarderError.EgressDenied => (StatusCodes.Status502BadGateway, "Upstream address not allowed by the proxy's IP validation"),
        ForwarderError.UpstreamConnectFailed => (StatusCodes.Status502BadGateway, "Upstream connection failed"),
        ForwarderError.UpstreamTlsFailed => (StatusCodes.Status502BadGateway, "Upstream TLS handshake failed"),
        ForwarderError.UpstreamResponseTimeout => (StatusCodes.Status504GatewayTimeout, "Upstream did not respond in time"),
        ForwarderError.UpstreamRequestFailed => (StatusCodes.Status502BadGateway, "Upstream request failed"),
        ForwarderError.ShuttingDown => (StatusCodes.Status503ServiceUnavailable, "Proxy is shutting down"),
        _ => (StatusCodes.Status502BadGateway, "Bad gateway"),
    };

    /// <summary>Writes the mapped response if nothing was sent yet; otherwise aborts, so a truncated body is never mistaken for a whole one.</summary>
    public static async Task WriteAsync(HttpContext context, ForwarderError error)
    {
        if (error is ForwarderError.None or ForwarderError.ClientAborted)
        {
            return;
        }

        if (context.Response.HasStarted)
        {
            context.Abort();
            return;
        }

        var (status, body) = Map(error);
        context.Response.Clear();
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        if (error == ForwarderError.ShuttingDown && HttpProtocol.IsHttp11(context.Request.Protocol))
        {
            // HTTP/2 has no Connection header; Kestrel's GOAWAY tells those clients instead.
            context.Response.Headers.Connection = "close";
        }

        await context.Response.WriteAsync(body, context.RequestAborted);
    }
}
