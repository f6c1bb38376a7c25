namespace McpTunnel.Proxy.Forwarding;

/// <summary>How a forwarded request ended. Runtime outcomes are values, mapped to status codes in one place (<see cref="ForwarderErrorMapper"/>).</summary>
internal enum ForwarderError
{
    None,

    /// <summary>The request is malformed in a way Kestrel let through (RFC 9110/9113); nothing was forwarded.</summary>
    MalformedRequest,

    /// <summary>A method the tunnel does not carry (CONNECT); nothing was forwarded.</summary>
    MethodNotSupported,

    /// <summary>The client's body broke its framing (e.g. malformed chunked encoding); the upstream request was cancelled.</summary>
    RequestBodyInvalid,

    /// <summary>The client's body arrived slower than the minimum data rate; the upstream request was cancelled.</summary>
    RequestBodyTimeout,
    NoRoute,
    MisdirectedRequest,
    EgressDenied,
    UpstreamConnectFailed,
    UpstreamTlsFailed,
    UpstreamResponseTimeout,
    UpstreamRequestFailed,

    /// <summary>The upstream answered with something no request of ours asks for (a 101 to a request without Upgrade).</summary>
    UpstreamInvalidResponse,
    UpstreamResponseAborted,
    ClientAborted,
    ShuttingDown,
}
