namespace McpTunnel.Cli.Check;

/// <summary>An MCP call to judge with <c>check --explain</c>: its method (<c>tools/call</c>, <c>prompts/get</c>, <c>resources/read</c>) and name or URI.</summary>
internal sealed record ExplainedCall(string Method, string Name);
