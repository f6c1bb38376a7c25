namespace McpTunnel.Proxy.Forwarding;

/// <summary>
/// The one place where outcomes become what the caller sees (docs/ARCHITECTURE.md "Forwarding"): status and a
/// one-line text/plain body. <c>502 No route configured for host</c> is the only documented one; the other statuses are our choice.
/// </summary>
internal static class ForwarderErrorMapper
{
    public static (int Status, string Body) Map(ForwarderError error) => error switch
    {
        ForwarderError.MalformedRequest => (StatusCodes.Status400BadRequest, "Malformed request"),
        ForwarderError.MethodNotSupported => (StatusCodes.Status501NotImplemented, "Method not supported through the tunnel"),
        ForwarderError.RequestBodyInvalid => (StatusCodes.Status400BadRequest, "Malformed request body"),
        ForwarderError.RequestBodyTimeout => (StatusCodes.Status408RequestTimeout, "Request body arrived too slowly"),
        ForwarderError.NoRoute => (StatusCodes.Status502BadGateway, "No route configured for host"),
        ForwarderError.MisdirectedRequest => (StatusCodes.Status421MisdirectedRequest, "Misdirected request: the TLS server name and the Host header name different routes"),
        ForwarderError.EgressDenied => (StatusCodes.Status502BadGateway, "Upstream address not allowed by the proxy's IP validation"),
        ForwarderError.UpstreamConnectFailed => (StatusCodes.Status502BadGateway, "Upstream connection failed"),
        ForwarderError.UpstreamTlsFailed => (StatusCodes.Status502BadGateway, "Upstream TLS handshake failed"),
        ForwarderError.UpstreamResponseTimeout => (StatusCodes.Status504GatewayTimeout, "Upstream did not respond in time"),
        ForwarderError.UpstreamRequestFailed => (StatusCodes.Status502BadGateway, "Upstream request failed"),
        ForwarderError.UpstreamInvalidResponse => (StatusCodes.Status502BadGateway, "Upstream sent an invalid response"),
        ForwarderError.ShuttingDown => (StatusCodes.Status503ServiceUnavailable, "Proxy is shutting down"),
        _ => (StatusCodes.Status502BadGateway, "Bad gateway"),
    };

    /// <summary>
    /// Writes the mapped response if nothing was sent yet; otherwise aborts, so a truncated body is never mistaken for
    /// a whole one. A request the client abandoned is aborted too: were it left to end normally, Kestrel would answer
    /// it with an empty 200 although the upstream never received it whole.
    /// </summary>
    public static async Task WriteAsync(HttpContext context, ForwarderError error)
    {
        if (error is ForwarderError.None)
        {
            return;
        }

        if (error is ForwarderError.ClientAborted || context.Response.HasStarted)
        {
            context.Abort();
            return;
        }

        var (status, body) = Map(error);
        context.Response.Clear();
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        if (error is ForwarderError.ShuttingDown or ForwarderError.RequestBodyInvalid or ForwarderError.RequestBodyTimeout
            && HttpProtocol.IsHttp11(context.Request.Protocol))
        {
            // Shutting down, or the body's framing is lost so the next request cannot be found: this connection ends.
            // HTTP/2 has no Connection header; Kestrel's GOAWAY or stream reset tells those clients instead.
            context.Response.Headers.Connection = "close";
        }

        await context.Response.WriteAsync(body, context.RequestAborted);
    }
}
