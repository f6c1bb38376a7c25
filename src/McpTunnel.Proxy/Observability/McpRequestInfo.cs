namespace McpTunnel.Proxy.Observability;

/// <summary>
/// What one request is, as MCP: the per-request record that metrics and spans are built from (and that a later stage
/// deciding on MCP requests would extend, rather than read the body a second time). The body decides: what the
/// <c>Mcp-Method</c>/<c>Mcp-Name</c> headers claim is kept beside it only to record a disagreement, because an
/// upstream that predates those headers acts on the body alone, and one that knows them refuses a mismatch.
/// </summary>
internal sealed class McpRequestInfo
{
    private McpBodyPeek _body = McpBodyPeek.Pending;

    /// <summary>False for requests that carry no JSON-RPC message (GET event stream, DELETE).</summary>
    public bool CarriesMessage { get; init; }

    /// <summary>The <c>Mcp-Method</c> header as sent (several lines joined with a comma); null when absent.</summary>
    public string? HeaderMethod { get; init; }

    /// <summary>The <c>Mcp-Name</c> header as sent; null when absent.</summary>
    public string? HeaderName { get; init; }

    /// <summary><see cref="SessionIdHash"/> of <c>Mcp-Session-Id</c>; null when the request has none.</summary>
    public string? SessionHash { get; set; }

    /// <summary>
    /// What the body said, set by <see cref="PeekingBodyReader"/> while the body streams. Replaced whole, never
    /// changed in place, so the end of a request reads one consistent value even if the body is still being sent.
    /// </summary>
    public McpBodyPeek Body
    {
        get => Volatile.Read(ref _body);
        set => Volatile.Write(ref _body, value);
    }

    /// <summary>The JSON-RPC method the body names (not yet bounded); null when it names none or could not be read.</summary>
    public string? Method => Body is { State: McpBodyState.Message } body ? body.Method : null;

    /// <summary>The tool of a <c>tools/call</c>, as the body names it (not yet bounded); null otherwise.</summary>
    public string? Tool => Body is { State: McpBodyState.Message, Method: McpMethodLabel.ToolsCall } body ? body.Name : null;

    /// <summary>
    /// Which headers name something other than the body. Only a body that was read can disagree; an absent header
    /// never does. <c>Mcp-Name</c> is compared where it mirrors <c>params.name</c> (<c>tools/call</c>,
    /// <c>prompts/get</c>), after decoding its Base64 form.
    /// </summary>
    public McpHeaderMismatch HeaderMismatch
    {
        get
        {
            var body = Body;
            if (!CarriesMessage || !body.IsReadable)
            {
                return McpHeaderMismatch.None;
            }

            var mismatch = McpHeaderMismatch.None;
            if (HeaderMethod is not null && (body.State != McpBodyState.Message || !string.Equals(HeaderMethod, body.Method, StringComparison.Ordinal)))
            {
                mismatch |= McpHeaderMismatch.Method;
            }

            if (HeaderName is not null && body is { State: McpBodyState.Message, Method: McpMethodLabel.ToolsCall or "prompts/get" }
                && !string.Equals(McpNameHeader.Decode(HeaderName), body.Name, StringComparison.Ordinal))
            {
                mismatch |= McpHeaderMismatch.Name;
            }

            return mismatch;
        }
    }
}
