using System.Collections.Frozen;

namespace McpTunnel.Proxy.Observability;

/// <summary>
/// The <c>mcp_method</c> label: the JSON-RPC methods of the MCP specification a client sends to a server, <c>none</c>
/// for requests that carry no JSON-RPC message (the GET event stream, DELETE of a session), <c>batch</c> for a JSON
/// array, <c>unknown</c> when the body names no method (not JSON, not UTF-8, a response, no method in its first
/// 4 KB), and <c>other</c> for a method outside the list (the label stays bounded whatever a client sends).
/// </summary>
internal static class McpMethodLabel
{
    public const string None = "none";
    public const string Unknown = "unknown";
    public const string Other = "other";
    public const string Batch = "batch";
    public const string ToolsCall = "tools/call";

    private static readonly FrozenSet<string> Known = new[]
    {
        "initialize", "ping", "tools/list", ToolsCall, "resources/list", "resources/read", "resources/templates/list",
        "resources/subscribe", "resources/unsubscribe", "prompts/list", "prompts/get", "completion/complete",
        "logging/setLevel", "tasks/get", "tasks/list", "tasks/result", "tasks/cancel",
        "notifications/initialized", "notifications/cancelled", "notifications/progress", "notifications/roots/list_changed",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The label of one request: what its body says, never what its headers claim.</summary>
    public static string For(McpRequestInfo request) => !request.CarriesMessage ? None : request.Body.State switch
    {
        McpBodyState.Message => For(request.Body.Method),
        McpBodyState.Batch => Batch,
        _ => Unknown,
    };

    public static string For(string? method) => method switch
    {
        null => Unknown,
        _ when Known.TryGetValue(method, out var known) => known,
        _ => Other,
    };
}
