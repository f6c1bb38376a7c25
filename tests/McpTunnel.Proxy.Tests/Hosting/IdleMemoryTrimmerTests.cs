using McpTunnel.Proxy.Hosting;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Time.Testing;

namespace McpTunnel.Proxy.Tests.Hosting;

/// <summary>When the trimmer gives memory back: once after a burst, when the proxy has gone quiet; never while it is busy.</summary>
public sealed class IdleMemoryTrimmerTests
{
    [Fact]
    public void BurstThenQuiet_TrimsOnce()
    {
        var (clock, allocated, trimmer) = Start();
        using (trimmer)
        {
            allocated.Value += IdleMemoryTrimmer.BurstBytes;
            clock.Advance(IdleMemoryTrimmer.Interval);
            Assert.Equal(0, trimmer.Trims); // still busy

            clock.Advance(IdleMemoryTrimmer.Interval);
            Assert.Equal(1, trimmer.Trims);

            clock.Advance(IdleMemoryTrimmer.Interval * 5);
            Assert.Equal(1, trimmer.Trims); // once per burst
        }
    }

    [Fact]
    public void BurstSpreadOverSeveralIntervals_ThenQuiet_TrimsOnce()
    {
        // A flood on a loaded host: no single interval reaches the burst size, together they do.
        var (clock, allocated, trimmer) = Start();
        using (trimmer)
        {
            for (var i = 0; i < 4; i++)
            {
                allocated.Value += IdleMemoryTrimmer.BurstBytes / 3;
                clock.Advance(IdleMemoryTrimmer.Interval);
            }

            Assert.Equal(0, trimmer.Trims); // still busy

            clock.Advance(IdleMemoryTrimmer.Interval);
            Assert.Equal(1, trimmer.Trims);

            clock.Advance(IdleMemoryTrimmer.Interval * 5);
            Assert.Equal(1, trimmer.Trims);
        }
    }

    [Fact]
    public void Trickle_TrimsAtMostOncePerBurstSizeAllocated()
    {
        var (clock, allocated, trimmer) = Start();
        using (trimmer)
        {
            var step = IdleMemoryTrimmer.QuietBytes / 2;
            var intervals = (int)(4 * IdleMemoryTrimmer.BurstBytes / step);
            for (var i = 0; i < intervals; i++)
            {
                allocated.Value += step;
                clock.Advance(IdleMemoryTrimmer.Interval);
            }

            Assert.Equal(4, trimmer.Trims);
        }
    }

    [Fact]
    public void SteadyTraffic_IsNeverInterrupted()
    {
        var (clock, allocated, trimmer) = Start();
        using (trimmer)
        {
            for (var i = 0; i < 10; i++)
            {
                allocated.Value += IdleMemoryTrimmer.BurstBytes;
                clock.Advance(IdleMemoryTrimmer.Interval);
            }

            Assert.Equal(0, trimmer.Trims);
        }
    }

    [Fact]
    public void QuietWithoutABurst_TrimsNothing()
    {
        var (clock, allocated, trimmer) = Start();
        using (trimmer)
        {
            for (var i = 0; i < 10; i++) // 20 MB in all, under the burst size
            {
                allocated.Value += IdleMemoryTrimmer.QuietBytes / 2;
                clock.Advance(IdleMemoryTrimmer.Interval);
            }

            Assert.Equal(0, trimmer.Trims);
        }
    }

    private static (FakeTimeProvider Clock, StrongBox<long> Allocated, IdleMemoryTrimmer Trimmer) Start()
    {
        var clock = new FakeTimeProvider();
        var allocated = new StrongBox<long>(0);
        var trimmer = IdleMemoryTrimmer.Start(clock, () => allocated.Value) ?? throw new InvalidOperationException("turned off by MCP_PROXY_IDLE_MEMORY_TRIM");
        return (clock, allocated, trimmer);
    }
}
