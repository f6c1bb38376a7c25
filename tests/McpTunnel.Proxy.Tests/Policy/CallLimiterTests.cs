using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Policy;
using Microsoft.Extensions.Time.Testing;

namespace McpTunnel.Proxy.Tests.Policy;

public sealed class CallLimiterTests
{
    [Fact]
    public void RateAndBurst_AdmitTheBurst_ThenOnePerInterval_WithTheWaitAsRetryAfter()
    {
        var time = new FakeTimeProvider();
        var limiter = new CallLimiter(new CallLimitSettings { Rate = 5, Period = TimeSpan.FromMinutes(1), Burst = 2 }, time);

        Assert.True(limiter.TryEnter().Admitted);
        Assert.True(limiter.TryEnter().Admitted);
        var refused = limiter.TryEnter();
        Assert.Equal(PolicyReason.RateLimited, refused.Reason);
        Assert.Equal(12, refused.RetryAfter.TotalSeconds, precision: 3); // 5 per minute: one token every 12 s

        time.Advance(TimeSpan.FromSeconds(11));
        Assert.False(limiter.TryEnter().Admitted);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(limiter.TryEnter().Admitted);
        Assert.False(limiter.TryEnter().Admitted);

        // A long quiet spell refills only up to the burst.
        time.Advance(TimeSpan.FromHours(1));
        Assert.True(limiter.TryEnter().Admitted);
        Assert.True(limiter.TryEnter().Admitted);
        Assert.False(limiter.TryEnter().Admitted);
    }

    [Fact]
    public void Concurrency_RefusesBeyondTheCap_UntilACallIsReleased()
    {
        var limiter = new CallLimiter(new CallLimitSettings { Concurrency = 2 }, new FakeTimeProvider());
        Assert.True(limiter.TryEnter().Admitted);
        Assert.True(limiter.TryEnter().Admitted);
        Assert.Equal(PolicyReason.ConcurrencyLimited, limiter.TryEnter().Reason);
        Assert.Equal(2, limiter.InFlight);

        limiter.Release();
        Assert.True(limiter.TryEnter().Admitted);
    }

    [Fact]
    public void RefusedByRate_HoldsNoConcurrencySlot()
    {
        var limiter = new CallLimiter(new CallLimitSettings { Rate = 1, Period = TimeSpan.FromHours(1), Burst = 1, Concurrency = 5 }, new FakeTimeProvider());
        Assert.True(limiter.TryEnter().Admitted);
        Assert.Equal(PolicyReason.RateLimited, limiter.TryEnter().Reason);
        Assert.Equal(1, limiter.InFlight);
    }

    [Fact]
    public void Undo_GivesBackTheTokenAndTheSlot()
    {
        var limiter = new CallLimiter(new CallLimitSettings { Rate = 1, Period = TimeSpan.FromHours(1), Burst = 1, Concurrency = 1 }, new FakeTimeProvider());
        Assert.True(limiter.TryEnter().Admitted);
        limiter.Undo();
        Assert.Equal(0, limiter.InFlight);
        Assert.True(limiter.TryEnter().Admitted);
    }

    [Fact]
    public void Registry_KeepsALimiterWhoseSettingsAreUnchanged_AndReplacesAChangedOneKeepingItsState()
    {
        var limiters = new PolicyLimiters(new FakeTimeProvider());
        var settings = new CallLimitSettings { Rate = 1, Period = TimeSpan.FromHours(1), Burst = 1 };
        var first = limiters.For("echo", "t", settings);
        Assert.True(first.TryEnter().Admitted);

        // An equal configuration (as a reload with this limit untouched builds) keeps the state: still no token.
        Assert.Same(first, limiters.For("echo", "t", settings with { }));
        Assert.False(limiters.For("echo", "t", settings with { }).TryEnter().Admitted);

        var changed = limiters.For("echo", "t", settings with { Rate = 2, Burst = 2 });
        Assert.NotSame(first, changed);
        Assert.False(changed.TryEnter().Admitted); // new numbers, same emptied bucket: a reload never resets a limit
        Assert.NotSame(first, limiters.For("echo", null, settings));
    }
}
