namespace McpTunnel.Proxy.Policy;

/// <summary>
/// A token bucket on an injected clock: <c>burst</c> tokens at most, refilled at <c>rate</c> per <c>period</c>. One call
/// takes one token; without a token the caller learns how long until the next one (the 429's Retry-After).
/// </summary>
internal sealed class TokenBucket
{
    private readonly TimeProvider _time;
    private readonly double _capacity;
    private readonly double _tokensPerTick;
    private readonly Lock _lock = new();
    private double _tokens;
    private long _updated;

    /// <param name="tokens">The tokens to start with (a reconfigured limit keeps its bucket's); null starts full.</param>
    public TokenBucket(int rate, TimeSpan period, int burst, TimeProvider time, double? tokens = null)
    {
        _time = time;
        _capacity = Math.Max(1, burst);
        _tokensPerTick = rate / (period.TotalSeconds * time.TimestampFrequency); // in double: an hour of ticks overflows a long
        _tokens = Math.Min(_capacity, tokens ?? _capacity);
        _updated = time.GetTimestamp();
    }

    /// <summary>The tokens in the bucket now (refilled up to this moment).</summary>
    public double Available
    {
        get
        {
            lock (_lock)
            {
                Refill();
                return _tokens;
            }
        }
    }

    /// <summary>Takes a token; false with the wait until one is available when the bucket is empty.</summary>
    public bool TryTake(out TimeSpan retryAfter)
    {
        lock (_lock)
        {
            Refill();
            if (_tokens >= 1)
            {
                _tokens -= 1;
                retryAfter = TimeSpan.Zero;
                return true;
            }

            var ticksToWait = (1 - _tokens) / _tokensPerTick;
            retryAfter = TimeSpan.FromSeconds(ticksToWait / _time.TimestampFrequency);
            return false;
        }
    }

    /// <summary>Gives back a token taken for a call that was then refused by another limit (so it does not count).</summary>
    public void Return()
    {
        lock (_lock)
        {
            _tokens = Math.Min(_capacity, _tokens + 1);
        }
    }

    private void Refill()
    {
        var now = _time.GetTimestamp();
        _tokens = Math.Min(_capacity, _tokens + ((now - _updated) * _tokensPerTick));
        _updated = now;
    }
}
