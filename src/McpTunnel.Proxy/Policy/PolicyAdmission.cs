namespace McpTunnel.Proxy.Policy;

/// <summary>
/// A request the policy let through: its messages as read (for telemetry and list filtering) and the limiter slots
/// it holds until it ends. Disposing releases the slots; the handler does so when the request finishes.
/// </summary>
internal sealed class PolicyAdmission : IDisposable
{
    /// <summary>For GET, DELETE and other requests with no message: nothing read, nothing held.</summary>
    public static readonly PolicyAdmission Untouched = new(null);

    private List<CallLimiter>? _held;

    public PolicyAdmission(McpBody? body) => Body = body;

    public McpBody? Body { get; }

    /// <summary>Rewrites the answer to a list request so that nothing the policy denies is advertised; null for other requests.</summary>
    public ListResponseFilter? ResponseFilter { get; init; }

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
