using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Egress;
using McpTunnel.Proxy.Routing;

namespace McpTunnel.Proxy.Forwarding;

/// <summary>
/// One configuration as requests see it, immutable once built: the route table (each route with its Host, deadline,
/// policy and forward target), the egress policy and the upstream pool it dials through, and the config it came from.
/// A request takes the current snapshot once and keeps it to its end (docs/ARCHITECTURE.md "Configuration reload"),
/// so it runs on either the old or the new configuration whole, never a mix.
/// <para>
/// Lifetime: the running configuration holds one lease and every request in flight one more. When a reload replaces
/// the snapshot the running lease is given back; the last request to end lets go of the upstream pool.
/// </para>
/// </summary>
internal sealed class ConfigSnapshot
{
    private int _leases = 1;

    public ConfigSnapshot(ProxyConfig config, ConfigSource source, UpstreamPool pool, TimeProvider time)
    {
        Config = config;
        Source = source;
        Pool = pool;
        Routes = new RouteTable(config.Routes, config.TunnelDomain, config.Upstream.ResponseHeaderTimeout);
        Forwarder = new HttpForwarder(pool.Invoker, time);
    }

    public ProxyConfig Config { get; }

    /// <summary>The file's hash and when this configuration was loaded.</summary>
    public ConfigSource Source { get; }

    public RouteTable Routes { get; }

    public EgressPolicy Egress => Pool.Egress;

    public UpstreamPool Pool { get; }

    public HttpForwarder Forwarder { get; }

    /// <summary>Requests still running on this snapshot, plus one while it is the running configuration.</summary>
    public int Leases => Volatile.Read(ref _leases);

    /// <summary>True once nothing holds this snapshot any more and its pool reference was given back.</summary>
    public bool IsRetired => Leases == 0;

    /// <summary>Takes a lease unless the snapshot was already retired (then a newer one is running).</summary>
    public bool TryAcquire()
    {
        while (true)
        {
            var current = Volatile.Read(ref _leases);
            if (current == 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _leases, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _leases) == 0)
        {
            Pool.Release();
        }
    }
}

/// <summary>Where a configuration came from: the hash of the file's bytes (<see cref="ConfigHash"/>) and when it was loaded.</summary>
internal sealed record ConfigSource(string? Hash, DateTimeOffset LoadedAt);
