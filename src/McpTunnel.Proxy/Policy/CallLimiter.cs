using McpTunnel.Proxy.Configuration;

namespace McpTunnel.Proxy.Policy;

/// <summary>
/// The limits of one route, or of one tool on one route: a token bucket (rate and burst) and a cap on calls in
/// flight. Per proxy process: replicas each keep their own (docs say so).
/// </summary>
internal sealed class CallLimiter(CallLimitSettings settings, TimeProvider time)
{
    private readonly TokenBucket? _bucket = settings.Rate > 0 ? new TokenBucket(settings.Rate, settings.Period, settings.Burst, time) : null;
    private int _inFlight;

    public CallLimitSettings Settings { get; } = settings;

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>
    /// Admits a call or says why not. An admitted call holds a slot of the concurrency cap until
    /// <see cref="Release"/>; a refused one holds nothing and took no token.
    /// </summary>
    public LimitResult TryEnter()
    {
        if (Settings.Concurrency > 0 && Interlocked.Increment(ref _inFlight) > Settings.Concurrency)
        {
            Interlocked.Decrement(ref _inFlight);
            return new LimitResult(PolicyReason.ConcurrencyLimited, TimeSpan.FromSeconds(1));
        }

        if (_bucket is not null && !_bucket.TryTake(out var wait))
        {
            if (Settings.Concurrency > 0)
            {
                Interlocked.Decrement(ref _inFlight);
            }

            return new LimitResult(PolicyReason.RateLimited, wait);
        }

        return new LimitResult(PolicyReason.Allowed, TimeSpan.Zero);
    }

    /// <summary>Undoes an admission that another limiter then refused: the slot and the token both go back.</summary>
    public void Undo()
    {
        _bucket?.Return();
        Release();
    }

    public void Release()
    {
        if (Settings.Concurrency > 0)
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}

/// <summary>Admitted (<see cref="PolicyReason.Allowed"/>) or refused with the wait to suggest in Retry-After.</summary>
internal readonly record struct LimitResult(PolicyReason Reason, TimeSpan RetryAfter)
{
    public bool Admitted => Reason == PolicyReason.Allowed;
}
