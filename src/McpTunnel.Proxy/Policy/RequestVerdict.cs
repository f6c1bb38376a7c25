namespace McpTunnel.Proxy.Policy;

/// <summary>
/// The policy's verdict on one request, as the per-request record carries it: the reason (allowed, denied, over a
/// limit, unreadable…), the tool, prompt or resource it was about, the rule or fault that decided, and the JSON-RPC
/// error code of the answer the tunnel gave in the server's place (null when it forwarded the request, or answered a
/// denied tool call with a tool result, which carries no error code).
/// For a batch it is the verdict on the message that decided: the first one refused, else the first one a rule
/// allowed.
/// </summary>
internal readonly record struct RequestVerdict(PolicyReason Reason, string? Name, string? Rule, int? AnswerCode = null)
{
    public static readonly RequestVerdict NotSubject = new(PolicyReason.NotSubject, null, null);

    /// <summary>The decision in one bounded word: <c>allowed</c>, <c>denied</c>, <c>limited</c> or <c>refused</c> (the request could not be judged).</summary>
    public string Decision => Reason switch
    {
        PolicyReason.NotSubject or PolicyReason.Allowed => "allowed",
        PolicyReason.Denied => "denied",
        PolicyReason.RateLimited or PolicyReason.ConcurrencyLimited => "limited",
        _ => "refused",
    };
}
