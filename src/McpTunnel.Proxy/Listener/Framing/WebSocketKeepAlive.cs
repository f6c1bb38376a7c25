namespace McpTunnel.Proxy.Listener.Framing;

/// <summary>
/// Keep-alive and dead-peer detection for one server WebSocket. Every ping interval of silence a ping goes out (edges
/// cut idle tunnels at ~100 s); a peer that then sends nothing at all within the ping timeout is gone without a FIN.
/// A peer that stops reading holds our writes back, and with them the pings: when a write has made no progress and the
/// peer has sent nothing for ping interval + ping timeout, it is cut too, whatever is pending.
/// Time comes from the injected <see cref="TimeProvider"/>, so tests drive it with a fake clock.
/// </summary>
internal sealed class WebSocketKeepAlive : IAsyncDisposable, IDisposable
{
    private readonly TimeSpan _interval;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly Func<bool> _trySendPing;
    private readonly Action _cutPeer;
    private ITimer? _timer;

    // Timestamps from _time, written by the reader, the writers and the timer; 0 means "none".
    private long _lastReceived;
    private long _pingSent;
    private long _writePendingSince;

    /// <param name="trySendPing">Sends a ping unless a write is in progress or the socket is closing; true when sent.</param>
    /// <param name="cutPeer">Cuts the connection (called at most once, from the timer).</param>
    public WebSocketKeepAlive(TimeSpan interval, TimeSpan timeout, TimeProvider time, Func<bool> trySendPing, Action cutPeer)
    {
        _interval = interval;
        _timeout = timeout;
        _time = time;
        _trySendPing = trySendPing;
        _cutPeer = cutPeer;
        _lastReceived = time.GetTimestamp();
    }

    public void Start()
    {
        // Ticks at half the shorter period: a cut or ping is late by at most that much.
        var tick = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond * 10, Math.Min(_interval.Ticks, _timeout.Ticks) / 2));
        _timer = _time.CreateTimer(static state => ((WebSocketKeepAlive)state!).OnTick(), this, tick, tick);
    }

    /// <summary>Any frame from the peer: it is alive.</summary>
    public void FrameReceived() => Volatile.Write(ref _lastReceived, _time.GetTimestamp());

    /// <summary>A flush into the output is waiting for the peer to read.</summary>
    public void WriteStarted() => Volatile.Write(ref _writePendingSince, _time.GetTimestamp());

    public void WriteCompleted() => Volatile.Write(ref _writePendingSince, 0);

    public void Dispose() => _timer?.Dispose();

    public async ValueTask DisposeAsync()
    {
        if (_timer is not null)
        {
            await _timer.DisposeAsync();
        }
    }

    private void OnTick()
    {
        var now = _time.GetTimestamp();
        var lastReceived = Volatile.Read(ref _lastReceived);
        var silentFor = _time.GetElapsedTime(lastReceived, now);
        var writePending = Volatile.Read(ref _writePendingSince);
        if (writePending != 0 && silentFor >= _interval + _timeout && _time.GetElapsedTime(writePending, now) >= _interval + _timeout)
        {
            // A write has been stuck for a whole keep-alive cycle and the peer has said nothing: it reads nothing
            // and could not answer a ping we cannot even send.
            Cut();
            return;
        }

        var pingSent = Volatile.Read(ref _pingSent);
        if (pingSent != 0)
        {
            if (lastReceived < pingSent)
            {
                if (_time.GetElapsedTime(pingSent, now) >= _timeout)
                {
                    Cut(); // nothing at all since the ping, not even its pong
                }

                return;
            }

            Volatile.Write(ref _pingSent, 0); // the peer has spoken since: alive, whether or not it sent the pong
        }

        // A write in progress skips the ping: data in flight keeps the edge from cutting the tunnel anyway, and a
        // write that never completes is caught above.
        // The ping's time is recorded before it is sent, so an answer however quick counts as after it.
        if (silentFor >= _interval - TimeSpan.FromMilliseconds(1))
        {
            Volatile.Write(ref _pingSent, now);
            if (!_trySendPing())
            {
                Volatile.Write(ref _pingSent, 0);
            }
        }
    }

    private void Cut()
    {
        _timer?.Dispose();
        _cutPeer();
    }
}
