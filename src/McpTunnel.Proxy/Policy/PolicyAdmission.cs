namespace McpTunnel.Proxy.Policy;

/// <summary>
/// What the policy stage made of one request: its messages as read (for telemetry, audit and list filtering), the
/// verdict, and, for a request it let through, the limiter slots it holds until it ends. Disposing releases the
/// slots; the handler does so when the request finishes. A request the stage answered itself (or whose client went
/// away while its body was held) is not to be forwarded: <see cref="Forward"/> is false.
/// </summary>
internal sealed class PolicyAdmission : IDisposable
{
    /// <summary>For GET, DELETE and other requests with no message: nothing read, nothing held.</summary>
    public static readonly PolicyAdmission Untouched = new(null, RequestVerdict.NotSubject);

    /// <summary>The client went away while its body was held: nothing to answer, nothing forwarded.</summary>
    public static readonly PolicyAdmission Abandoned = new(null, RequestVerdict.NotSubject) { Forward = false };

    private List<CallLimiter>? _held;

    public PolicyAdmission(McpBody? body, RequestVerdict verdict)
    {
        Body = body;
        Verdict = verdict;
    }

    /// <summary>The body's messages as the policy read them; null when it read none (no body, or unreadable).</summary>
    public McpBody? Body { get; }

    public RequestVerdict Verdict { get; }

    /// <summary>False when the stage answered the request (or the client left): the handler must not forward it.</summary>
    public bool Forward { get; private init; } = true;

    /// <summary>Rewrites the answer to a list request so that nothing the policy denies is advertised; null for other requests.</summary>
    public ListResponseFilter? ResponseFilter { get; init; }

    /// <summary>The length of the body the stage held (what was, or would have been, forwarded); 0 when it held none.</summary>
    public long BodyBytes { get; init; }

    /// <summary>A request the stage answered in the server's place.</summary>
    public static PolicyAdmission Answered(McpBody? body, RequestVerdict verdict, long bodyBytes = 0) => new(body, verdict) { Forward = false, BodyBytes = bodyBytes };

    public void Hold(CallLimiter limiter) => (_held ??= []).Add(limiter);

    /// <summary>For a request another limit then refused: its slots and its tokens both go back, so it counts nowhere.</summary>
    public void Undo()
    {
        if (_held is { } held)
        {
            _held = null;
            foreach (var limiter in held)
            {
                limiter.Undo();
            }
        }
    }

    public void Dispose()
    {
        if (_held is { } held)
        {
            _held = null;
            foreach (var limiter in held)
            {
                limiter.Release();
            }
        }
    }
}
