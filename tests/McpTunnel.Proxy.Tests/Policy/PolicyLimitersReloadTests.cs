using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Policy;
using Microsoft.Extensions.Time.Testing;

namespace McpTunnel.Proxy.Tests.Policy;

/// <summary>
/// What a configuration reload does to limit state: unchanged limits keep their limiter; changed numbers keep the
/// tokens left (capped at the new burst) and the calls in flight; limits no longer configured are forgotten.
/// </summary>
public sealed class PolicyLimitersReloadTests
{
    private static readonly CallLimitSettings FivePerMinute = new() { Rate = 5, Period = TimeSpan.FromMinutes(1), Burst = 5 };

    [Fact]
    public void UnchangedLimit_KeepsTheSameLimiterAndItsCount()
    {
        var limiters = new PolicyLimiters(new FakeTimeProvider());
        var first = limiters.For("echo", null, FivePerMinute);
        Assert.True(first.TryEnter().Admitted);

        Assert.Same(first, limiters.For("echo", null, FivePerMinute with { }));
    }

    [Fact]
    public void LoweredRate_KeepsTheTokensLeftInsteadOfGrantingAFreshBurst()
    {
        var limiters = new PolicyLimiters(new FakeTimeProvider());
        var before = limiters.For("echo", "search", FivePerMinute);
        for (var i = 0; i < 5; i++)
        {
            Assert.True(before.TryEnter().Admitted);
        }

        var after = limiters.For("echo", "search", new CallLimitSettings { Rate = 2, Period = TimeSpan.FromMinutes(1), Burst = 2 });

        Assert.NotSame(before, after);
        var refused = after.TryEnter();
        Assert.Equal(PolicyReason.RateLimited, refused.Reason); // the emptied bucket stays empty
        Assert.Equal(30, refused.RetryAfter.TotalSeconds, precision: 3); // at the new rate: one token every 30 s
    }

    [Fact]
    public void LoweredBurst_CapsTheTokensLeft()
    {
        var limiters = new PolicyLimiters(new FakeTimeProvider());
        limiters.For("echo", null, FivePerMinute); // full: 5 tokens

        var after = limiters.For("echo", null, FivePerMinute with { Burst = 1 });

        Assert.True(after.TryEnter().Admitted);
        Assert.False(after.TryEnter().Admitted);
    }

    [Fact]
    public void ChangedConcurrency_CountsTheCallsInFlightOnTheOldLimiter()
    {
        var limiters = new PolicyLimiters(new FakeTimeProvider());
        var before = limiters.For("echo", null, new CallLimitSettings { Concurrency = 3 });
        Assert.True(before.TryEnter().Admitted);
        Assert.True(before.TryEnter().Admitted);

        var after = limiters.For("echo", null, new CallLimitSettings { Concurrency = 2 });

        Assert.Equal(2, after.InFlight);
        Assert.Equal(PolicyReason.ConcurrencyLimited, after.TryEnter().Reason);
        before.Release(); // a call admitted before the reload ends
        Assert.True(after.TryEnter().Admitted);
    }

    [Fact]
    public void Retain_ForgetsLimitsNoLongerConfigured()
    {
        var limiters = new PolicyLimiters(new FakeTimeProvider());
        var kept = limiters.For("echo", null, FivePerMinute);
        var dropped = limiters.For("gone", null, FivePerMinute);
        var policy = new RoutePolicySettings { Limits = FivePerMinute };

        limiters.Retain([new RouteDefinition("echo", new UpstreamAddress("http", "10.0.0.1", 80)) { Policy = policy }]);

        Assert.Same(kept, limiters.For("echo", null, FivePerMinute));
        Assert.NotSame(dropped, limiters.For("gone", null, FivePerMinute));
    }
}
