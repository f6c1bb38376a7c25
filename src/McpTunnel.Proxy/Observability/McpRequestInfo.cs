namespace McpTunnel.Proxy.Observability;

/// <summary>
/// What one request is, as MCP, inside the per-request record (<see cref="RequestObservation"/>): filled by the body
/// peek on a route without a policy, or from what the policy stage read on a route with one (the body is read once
/// either way). The body decides: what the
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
    /// The tool, prompt or resource URI the request acts on (not yet bounded): what the policy decided on when the
    /// route has one (<c>resources/read</c>'s URI, a completion's reference included); otherwise the name a
    /// <c>tools/call</c> or <c>prompts/get</c> body gives, as far as the peek read. Null when it names none.
    /// </summary>
    public string? TargetName => _policyTarget is { } decided ? decided.Name
        : Body is { State: McpBodyState.Message, Method: McpMethodLabel.ToolsCall or "prompts/get" } body ? body.Name : null;

    private PolicyTarget? _policyTarget;

    /// <summary>Takes what the policy stage read from the body whole, in place of a peek of its start.</summary>
    public void ReadByPolicy(Policy.McpBody? body, bool unreadable)
    {
        if (body is null)
        {
            Body = unreadable ? McpBodyPeek.Unreadable : Body;
            return;
        }

        if (body.IsBatch)
        {
            Body = McpBodyPeek.Batch;
            return;
        }

        var message = body.Messages[0];
        var named = message.Target is Policy.PolicyTarget.Tool or Policy.PolicyTarget.Prompt or Policy.PolicyTarget.Resource ? message.TargetName : null;
        _policyTarget = new PolicyTarget(named);
        Body = message.Method is { } method
            ? new McpBodyPeek(McpBodyState.Message, method, message.Target is Policy.PolicyTarget.Tool or Policy.PolicyTarget.Prompt ? named : null)
            : McpBodyPeek.NotAMessage;
    }

    private sealed record PolicyTarget(string? Name);

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
