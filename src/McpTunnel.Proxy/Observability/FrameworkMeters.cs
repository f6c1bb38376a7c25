using System.Diagnostics.Metrics;
using Prometheus;

namespace McpTunnel.Proxy.Observability;

/// <summary>
/// The .NET meters worth exposing beside ours, bridged into a server's registry by prometheus-net's meter adapter:
/// the runtime's (<c>System.Runtime</c>: GC, heap, CPU time, thread pool, exceptions) and Kestrel's (connections,
/// queued and rejected connections) of this server only — its meters belong to the server's own
/// <see cref="IMeterFactory"/>, so several servers in one process do not mix. Hosting's per-request meter is left
/// out: <c>mcptunnel_requests_total</c> says more, by route and MCP method.
/// </summary>
internal static class FrameworkMeters
{
    private const string Kestrel = "Microsoft.AspNetCore.Server.Kestrel";
    private const string Runtime = "System.Runtime";

    /// <summary>Connection durations: from a probe's milliseconds to tunnels open for hours.</summary>
    private static readonly double[] DurationBuckets = [0.01, 0.1, 1, 10, 60, 300, 1800, 3600, 14400];

    public static IDisposable Start(CollectorRegistry registry, IMeterFactory serverMeters) =>
        MeterAdapter.StartListening(new MeterAdapterOptions
        {
            Registry = registry,
            MetricFactory = Metrics.WithCustomRegistry(registry),
            InstrumentFilterPredicate = instrument =>
                instrument.Meter.Name == Runtime || (instrument.Meter.Name == Kestrel && ReferenceEquals(instrument.Meter.Scope, serverMeters)),
            ResolveHistogramBuckets = _ => DurationBuckets,
        });
}
