using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Forwarding;
using McpTunnel.Proxy.Tests.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpTunnel.Proxy.Tests.Forwarding;

/// <summary>
/// The configuration snapshot's lifetime: a request keeps the snapshot it took even after a swap; the upstream pool is
/// shared while nothing it was built from changes and disposed only when the last request on a retired snapshot ends.
/// </summary>
public sealed class ConfigSnapshotTests : ConfigTestBase
{
    private ProxyConfig Config(string routes, string upstream = "upstream:\n  allowed_ips: [127.0.0.0/8]\n") =>
        Parse($"listen_addr: \":8080\"\ntunnel_domain: example.com\n{Tls}routes:\n{routes}{upstream}").Config;

    private static ConfigSnapshot Snapshot(ProxyConfig config, ConfigSnapshot? previous = null) =>
        new(config, new ConfigSource(null, DateTimeOffset.UnixEpoch), UpstreamPool.ReuseOrCreate(previous?.Pool, config, NullLogger.Instance), TimeProvider.System);

    [Fact]
    public void RequestOnSwappedSnapshot_KeepsItsRoutesAndPoolUntilItEnds()
    {
        var first = Snapshot(Config("  a: http://10.0.0.1:80\n"));
        var running = new RunningConfig(first);
        var request = running.Acquire();

        var second = Snapshot(Config("  b: http://10.0.0.2:80\n"), first);
        running.Swap(second);

        Assert.Same(first, request);
        Assert.NotNull(request.Routes.Match("a.example.com").Route);
        Assert.False(first.IsRetired);
        Assert.False(first.Pool.IsDisposed);
        Assert.NotSame(first.Pool, second.Pool); // upstream a was taken away: its connections must not serve b

        request.Release();

        Assert.True(first.IsRetired);
        Assert.True(first.Pool.IsDisposed);
        Assert.Same(second, running.Acquire());
    }

    [Fact]
    public void PolicyOnlyChange_SharesThePoolAndKeepsItOpen()
    {
        var first = Snapshot(Config("  a: http://10.0.0.1:80\n"));
        var running = new RunningConfig(first);

        var second = Snapshot(Config("  a: http://10.0.0.1:80\n  b: http://10.0.0.2:80\n"), first);
        running.Swap(second);

        Assert.Same(first.Pool, second.Pool);
        Assert.True(first.IsRetired);
        Assert.False(second.Pool.IsDisposed);
    }

    [Fact]
    public void EgressChange_GetsANewPoolAndRetiresTheOld()
    {
        var first = Snapshot(Config("  a: http://10.0.0.1:80\n"));
        var running = new RunningConfig(first);

        var second = Snapshot(Config("  a: http://10.0.0.1:80\n", "upstream:\n  allowed_ips: [10.0.0.0/8]\n"), first);
        running.Swap(second);

        Assert.NotSame(first.Pool, second.Pool);
        Assert.True(first.Pool.IsDisposed);
        Assert.False(second.Pool.IsDisposed);
        Assert.Equal("10.0.0.0/8", Assert.Single(second.Egress.AllowedNetworks).ToString());
    }

    [Fact]
    public async Task AcquireRacingSwaps_NeverReturnsARetiredSnapshot()
    {
        var config = Config("  a: http://10.0.0.1:80\n");
        var running = new RunningConfig(Snapshot(config));
        using var stop = new CancellationTokenSource();
        var failures = 0;
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var snapshot = running.Acquire();
                if (snapshot.IsRetired || snapshot.Pool.IsDisposed)
                {
                    Interlocked.Increment(ref failures);
                }

                snapshot.Release();
            }
        })).ToArray();

        for (var i = 0; i < 2000; i++)
        {
            running.Swap(Snapshot(config, running.Current));
        }

        await stop.CancelAsync();
        await Task.WhenAll(readers);
        Assert.Equal(0, failures);
    }
}
