namespace McpTunnel.Proxy.Observability;

/// <summary>How far the start of a request body could be read as a JSON-RPC message (see <see cref="McpBodyPeek"/>).</summary>
internal enum McpBodyState
{
    /// <summary>Not decided yet: the bytes so far end before the answer.</summary>
    Pending,

    /// <summary>A JSON object with a string <c>method</c>: a request or a notification.</summary>
    Message,

    /// <summary>A JSON array: a batch (its members are not looked at).</summary>
    Batch,

    /// <summary>Well-formed JSON that names no method (a JSON-RPC response the client sends back, a scalar).</summary>
    NotAMessage,

    /// <summary>Not JSON, JSON whose strings are not UTF-8, or anything else the reader could not get through.</summary>
    Unreadable,

    /// <summary>The first <see cref="PeekingBodyReader.Limit"/> bytes are well-formed so far but name no method.</summary>
    BeyondLimit,
}
