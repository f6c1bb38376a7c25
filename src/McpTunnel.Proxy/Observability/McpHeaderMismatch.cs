namespace McpTunnel.Proxy.Observability;

/// <summary>Which of the MCP request headers named something other than the body (see <see cref="McpRequestInfo.HeaderMismatch"/>).</summary>
[Flags]
internal enum McpHeaderMismatch
{
    None = 0,

    /// <summary><c>Mcp-Method</c> differs from the body's <c>method</c> (or the body is not a single message).</summary>
    Method = 1,

    /// <summary><c>Mcp-Name</c> differs from the body's <c>params.name</c> on a <c>tools/call</c> or <c>prompts/get</c>.</summary>
    Name = 2,
}
