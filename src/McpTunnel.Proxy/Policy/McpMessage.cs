using System.Text.Json;

namespace McpTunnel.Proxy.Policy;

/// <summary>
/// One JSON-RPC message of a request body, as far as policy needs it: its kind, method, id (to answer it) and the
/// name or URI the server would act on. Read by <see cref="McpBodyReader"/> from the whole message.
/// </summary>
internal sealed record McpMessage(McpMessageKind Kind, string? Method, JsonElement? Id, PolicyTarget Target, string? TargetName)
{
    /// <summary>True when the message would be executed with an answer expected (it has an id and a method).</summary>
    public bool IsRequest => Kind == McpMessageKind.Request;

    /// <summary>What the audit keeps of <c>params.arguments</c> (<see cref="ArgumentRecorder"/>); null unless it asks.</summary>
    public ReadOnlyMemory<byte>? Arguments { get; init; }
}

internal enum McpMessageKind
{
    Request,
    Notification,
    Response,
}

/// <summary>What a message's method makes the server do, for policy: act on a named tool, prompt or resource, or list them.</summary>
internal enum PolicyTarget
{
    None,
    Tool,
    Prompt,
    Resource,
    ToolsList,
    PromptsList,
    ResourcesList,
    ResourceTemplatesList,
}
