namespace McpTunnel.Proxy.Observability;

/// <summary>
/// What one request is, as MCP: the method and tool (from the <c>Mcp-Method</c>/<c>Mcp-Name</c> headers, or filled
/// in by <see cref="PeekingBodyReader"/> while the body streams) and the session as a hash. Read when the request ends.
/// </summary>
internal sealed class McpRequestInfo
{
    /// <summary>The JSON-RPC method as sent (not yet bounded); null while unknown.</summary>
    public string? Method { get; set; }

    /// <summary>The tool of a <c>tools/call</c>, as sent (not yet bounded); null otherwise.</summary>
    public string? Tool { get; set; }

    /// <summary><see cref="SessionIdHash"/> of <c>Mcp-Session-Id</c>; null when the request has none.</summary>
    public string? SessionHash { get; set; }

    /// <summary>False for requests that carry no JSON-RPC message (GET event stream, DELETE).</summary>
    public bool CarriesMessage { get; set; }
}
