namespace McpTunnel.Proxy.Forwarding;

/// <summary>How a forwarded request ended. Runtime outcomes are values, mapped to status codes in one place (<see cref="ForwarderErrorMapper"/>).</summary>
internal enum ForwarderError
{
    None,
    NoRoute,
    MisdirectedRequest,
    EgressDenied,
    UpstreamConnectFailed,
    UpstreamTlsFailed,
    UpstreamResponseTimeout,
    UpstreamRequestFailed,
    UpstreamResponseAborted,
    ClientAborted,
    ShuttingDown,
}
