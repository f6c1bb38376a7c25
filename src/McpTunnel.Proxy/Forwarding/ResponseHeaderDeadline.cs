namespace McpTunnel.Proxy.Forwarding;

/// <summary>
/// The upstream's time to answer: it starts when the request body has been sent whole (at once for a request without
/// a body) and stops when the response headers arrive. An upload may take as long as the client needs; a slow client
/// body is bounded by Kestrel's minimum data rate instead. Cancels <see cref="Token"/> when the time is up, and
/// also when the client aborts. With no limit (<see cref="Timeout.InfiniteTimeSpan"/>, the proxy's default) only the
/// client's abort ends the wait, and no timer or linked token is allocated for the request.
/// </summary>
internal sealed class ResponseHeaderDeadline : IDisposable
{
    private readonly CancellationTokenSource? _timer;
    private readonly CancellationTokenSource? _linked;
    private readonly TimeSpan _timeout;
    private readonly Lock _gate = new();
    private bool _armed;
    private bool _stopped;

    public ResponseHeaderDeadline(TimeSpan timeout, TimeProvider time, CancellationToken clientAborted)
    {
        _timeout = timeout;
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            Token = clientAborted;
            return;
        }

        _timer = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(clientAborted, _timer.Token);
        Token = _linked.Token;
    }

    /// <summary>Cancelled when the deadline passes or the client aborts.</summary>
    public CancellationToken Token { get; }

    /// <summary>True when the deadline itself passed (not a client abort).</summary>
    public bool Expired => _timer?.IsCancellationRequested ?? false;

    /// <summary>The request has gone out whole: the upstream's time starts now (no effect once the headers are in).</summary>
    public void Start()
    {
        if (_timer is null)
        {
            return;
        }

        lock (_gate)
        {
            if (!_armed && !_stopped)
            {
                _armed = true;
                _timer.CancelAfter(_timeout);
            }
        }
    }

    /// <summary>The response headers are in: the body may stream for as long as it lasts.</summary>
    public void Stop()
    {
        if (_timer is null)
        {
            return;
        }

        lock (_gate)
        {
            _stopped = true;
            if (!_timer.IsCancellationRequested)
            {
                _timer.CancelAfter(Timeout.InfiniteTimeSpan);
            }
        }
    }

    public void Dispose()
    {
        _linked?.Dispose();
        _timer?.Dispose();
    }
}
