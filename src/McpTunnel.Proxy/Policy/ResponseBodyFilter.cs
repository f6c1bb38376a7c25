namespace McpTunnel.Proxy.Policy;

/// <summary>
/// A rewrite of one response's JSON-RPC messages, for the few responses the MCP policy changes on the way back (its
/// list filtering). It belongs to the policy stage, which decides what to rewrite; the forwarder only applies it, so
/// the forwarder depends on the policy and not the other way round (docs/ARCHITECTURE.md "Stage dependencies"). The forwarder holds a filtered JSON body whole (up to <see cref="MaxBytes"/>) and an SSE
/// body one event at a time; every other response keeps streaming untouched.
/// </summary>
internal abstract class ResponseBodyFilter
{
    /// <summary>The most bytes of one JSON body, or of one SSE event, held to rewrite it; beyond that the response fails closed.</summary>
    public abstract long MaxBytes { get; }

    /// <summary>The message rewritten, or null to pass it unchanged (it is not one this filter rewrites).</summary>
    public abstract byte[]? Rewrite(ReadOnlySpan<byte> json);
}
