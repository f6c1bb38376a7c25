namespace McpTunnel.Proxy.Observability;

/// <summary>
/// What the start of a request body says as MCP, as one immutable value: the JSON-RPC <c>method</c>,
/// <c>params.name</c> (the tool of a <c>tools/call</c>, the prompt of a <c>prompts/get</c>) and whether the body could be
/// read at all. The body, not the <c>Mcp-Method</c>/<c>Mcp-Name</c> headers, is what an upstream acts on, so this value
/// is what gets recorded; <see cref="McpRequestInfo"/> sets it beside the headers' claims.
/// </summary>
/// <param name="State">How far the body could be read.</param>
/// <param name="Method">The method, when <paramref name="State"/> is <see cref="McpBodyState.Message"/> (or already seen while pending).</param>
/// <param name="Name"><c>params.name</c> when it is a string; null otherwise.</param>
/// <param name="DuplicateKey">
/// <c>method</c>, <c>params</c> or <c>params.name</c> appeared more than once. The last one counts, as in the JSON
/// parsers MCP servers use (JavaScript's <c>JSON.parse</c>, Python's <c>json</c>, System.Text.Json's default); a reader
/// that decides anything on this value should refuse such a body instead.
/// </param>
/// <param name="Bounded">
/// The message was longer than the peek's limit: method and name are what its first bytes said, and a later duplicate
/// could not have been seen.
/// </param>
internal sealed record McpBodyPeek(McpBodyState State, string? Method = null, string? Name = null, bool DuplicateKey = false, bool Bounded = false)
{
    public static readonly McpBodyPeek Pending = new(McpBodyState.Pending);
    public static readonly McpBodyPeek Batch = new(McpBodyState.Batch);
    public static readonly McpBodyPeek NotAMessage = new(McpBodyState.NotAMessage);
    public static readonly McpBodyPeek Unreadable = new(McpBodyState.Unreadable);
    public static readonly McpBodyPeek BeyondLimit = new(McpBodyState.BeyondLimit);

    /// <summary>True when the body was read far enough to say what it is (a message, a batch, or not a message).</summary>
    public bool IsReadable => State is McpBodyState.Message or McpBodyState.Batch or McpBodyState.NotAMessage;

    /// <summary>
    /// The answer when no more bytes will be looked at (the limit was reached, or the request ended before its body
    /// did): a method already seen stands, as far as those bytes show; otherwise the body named none in time.
    /// </summary>
    public McpBodyPeek Settle() => State != McpBodyState.Pending ? this
        : Method is null ? BeyondLimit
        : this with { State = McpBodyState.Message, Bounded = true };
}
