using System.Runtime.CompilerServices;
using McpTunnel.Proxy.Configuration;

namespace McpTunnel.Proxy.Policy;

/// <summary>
/// The limits of one route, or of one tool on one route: a token bucket (rate and burst) and a cap on calls in
/// flight. Per proxy process: replicas each keep their own (docs say so).
/// </summary>
internal sealed class CallLimiter
{
    private readonly TokenBucket? _bucket;
    private readonly TimeProvider _time;

    /// <summary>Calls in flight; shared with the limiter this one replaced, so calls admitted there release here too.</summary>
    private readonly StrongBox<int> _inFlight;

    public CallLimiter(CallLimitSettings settings, TimeProvider time)
        : this(settings, time, new StrongBox<int>(), tokens: null)
    {
    }

    private CallLimiter(CallLimitSettings settings, TimeProvider time, StrongBox<int> inFlight, double? tokens)
    {
        Settings = settings;
        _time = time;
        _inFlight = inFlight;
        _bucket = settings.Rate > 0 ? new TokenBucket(settings.Rate, settings.Period, settings.Burst, time, tokens) : null;
    }

    public CallLimitSettings Settings { get; }

    public int InFlight => Volatile.Read(ref _inFlight.Value);

    /// <summary>
    /// This limiter with new numbers and its state kept: the calls in flight go on counting (also those that release on
    /// the old object) and the bucket keeps the tokens it has, capped at the new burst; a bucket that did not exist
    /// starts full. So lowering a limit during a burst of calls takes effect at once instead of granting a fresh burst.
    /// </summary>
    public CallLimiter Reconfigured(CallLimitSettings settings) => new(settings, _time, _inFlight, _bucket?.Available);

    /// <summary>
    /// Admits a call or says why not. An admitted call holds a slot of the concurrency cap until
    /// <see cref="Release"/>; a refused one holds nothing and took no token.
    /// </summary>
    public LimitResult TryEnter()
    {
        if (Settings.Concurrency > 0 && Interlocked.Increment(ref _inFlight.Value) > Settings.Concurrency)
        {
            Interlocked.Decrement(ref _inFlight.Value);
            return new LimitResult(PolicyReason.ConcurrencyLimited, TimeSpan.FromSeconds(1));
        }

        if (_bucket is not null && !_bucket.TryTake(out var wait))
        {
            if (Settings.Concurrency > 0)
            {
                Interlocked.Decrement(ref _inFlight.Value);
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
            Interlocked.Decrement(ref _inFlight.Value);
        }
    }
}

/// <summary>Admitted (<see cref="PolicyReason.Allowed"/>) or refused with the wait to suggest in Retry-After.</summary>
internal readonly record struct LimitResult(PolicyReason Reason, TimeSpan RetryAfter)
{
    public bool Admitted => Reason == PolicyReason.Allowed;
}
