using System.Diagnostics.Metrics;
using McpTunnel.Proxy.Listener;
using Prometheus;

namespace McpTunnel.Proxy.Observability;

/// <summary>
/// The useful part of Kestrel's and the .NET runtime's own <see cref="System.Diagnostics.Metrics"/> meters, copied
/// into a proxy's Prometheus registry: connections per listener and why Kestrel closed them, rejected connections,
/// and the thread pool, lock contention, exceptions and GC figures that explain a slow proxy.
/// </summary>
/// <remarks>
/// A listener of our own rather than prometheus-net's meter adapter: the adapter listens to every meter in the process
/// and exports everything it finds (tests run many proxies in one process, and the admin listener's own Kestrel would
/// show up too), while this one takes Kestrel's instruments only from the tunnel server's meter factory and a fixed
/// list of runtime instruments. Labels stay bounded: <c>listener</c> is <c>edge</c> or <c>inner</c>, and
/// <c>error_type</c> is Kestrel's own fixed list of connection-end reasons.
/// </remarks>
internal sealed class FrameworkMeters : IDisposable
{
    private const string KestrelMeter = "Microsoft.AspNetCore.Server.Kestrel";
    private const string RuntimeMeter = "System.Runtime";

    /// <summary>Connections last from milliseconds (a probe) to days (an edge's WebSocket).</summary>
    private static readonly double[] ConnectionBuckets = [0.01, 0.1, 1, 10, 60, 300, 1800, 3600, 21600, 86400];

    private readonly MeterListener _listener = new();
    private readonly IMeterFactory? _serverMeters;
    private readonly Dictionary<string, Record> _kestrel;
    private readonly Dictionary<string, Record> _runtime;

    public FrameworkMeters(CollectorRegistry registry, IMeterFactory? serverMeters)
    {
        _serverMeters = serverMeters;
        var factory = Metrics.WithCustomRegistry(registry);
        var activeConnections = factory.CreateGauge("kestrel_active_connections", "Connections Kestrel holds open, by listener: edge (the TCP connections the edge's WebSockets arrive on) or inner (one per tunnel, the HTTP inside its TLS).", "listener");
        var connectionDuration = factory.CreateHistogram("kestrel_connection_duration_seconds", "How long Kestrel connections lasted, by listener and Kestrel's reason for ending one (empty when it ended normally).", new HistogramConfiguration { LabelNames = ["listener", "error_type"], Buckets = ConnectionBuckets });
        var rejectedConnections = factory.CreateCounter("kestrel_rejected_connections_total", "Connections Kestrel refused because a connection limit was reached.", "listener");
        var threadPoolQueue = factory.CreateGauge("dotnet_thread_pool_queue_length", "Work items queued to the thread pool and not started yet (a growing queue means CPU starvation or blocking).");
        var threadPoolThreads = factory.CreateGauge("dotnet_thread_pool_threads", "Thread pool threads.");
        var threadPoolWorkItems = factory.CreateCounter("dotnet_thread_pool_work_items_total", "Work items the thread pool has completed.");
        var lockContentions = factory.CreateCounter("dotnet_monitor_lock_contentions_total", "Times a thread waited for a lock held by another.");
        var exceptions = factory.CreateCounter("dotnet_exceptions_total", "Exceptions thrown (first chance), handled or not.");
        var gcPause = factory.CreateCounter("dotnet_gc_pause_seconds_total", "Time the process was paused by garbage collections.");
        var allocated = factory.CreateCounter("dotnet_gc_heap_allocated_bytes_total", "Bytes allocated on the managed heap since the process started.");
        foreach (var listener in new[] { "edge", "inner" })
        {
            activeConnections.WithLabels(listener);
            rejectedConnections.WithLabels(listener);
        }

        // Which instrument feeds which series, and how: the one place an instrument is named.
        _kestrel = new()
        {
            ["kestrel.active_connections"] = (value, tags) => activeConnections.WithLabels(ListenerLabel(tags)).Inc(value),
            ["kestrel.connection.duration"] = (value, tags) => connectionDuration.WithLabels(ListenerLabel(tags), ErrorType(tags)).Observe(value),
            ["kestrel.rejected_connections"] = (value, tags) => rejectedConnections.WithLabels(ListenerLabel(tags)).Inc(value),
        };
        _runtime = new()
        {
            ["dotnet.thread_pool.queue.length"] = (value, _) => threadPoolQueue.Set(value),
            ["dotnet.thread_pool.thread.count"] = (value, _) => threadPoolThreads.Set(value),
            // The runtime's totals are observable counters reporting the running total; exceptions is a plain counter
            // with one measurement per exception.
            ["dotnet.thread_pool.work_item.count"] = (value, _) => threadPoolWorkItems.IncTo(value),
            ["dotnet.monitor.lock_contentions"] = (value, _) => lockContentions.IncTo(value),
            ["dotnet.exceptions"] = (value, _) => exceptions.Inc(value),
            ["dotnet.gc.pause.time"] = (value, _) => gcPause.IncTo(value),
            ["dotnet.gc.heap.total_allocated"] = (value, _) => allocated.IncTo(value),
        };

        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (RecordFor(instrument) is { } record)
            {
                listener.EnableMeasurementEvents(instrument, record);
            }
        };
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((Record)state!)(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((Record)state!)(value, tags));
        _listener.Start();

        // The runtime's instruments are observable: their callbacks run when asked, which is at scrape time.
        registry.AddBeforeCollectCallback(_listener.RecordObservableInstruments);
    }

    public void Dispose() => _listener.Dispose();

    private Record? RecordFor(Instrument instrument) => instrument.Meter.Name switch
    {
        // Kestrel's meter exists once per server; only the tunnel server's is ours to show (not the admin listener's).
        KestrelMeter when _serverMeters is not null && ReferenceEquals(instrument.Meter.Scope, _serverMeters) => _kestrel.GetValueOrDefault(instrument.Name),
        RuntimeMeter => _runtime.GetValueOrDefault(instrument.Name),
        _ => null,
    };

    /// <summary>A tunnel's inner connection comes from our in-memory endpoint; everything else is the edge's TCP.</summary>
    private static string ListenerLabel(ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        Tag(tags, "server.address") == TunnelEndPoint.Address ? "inner" : "edge";

    /// <summary>
    /// Kestrel's connection-end reasons are a fixed snake_case list; an unexpected exception is tagged with its type
    /// name instead, which is folded into one value so the label stays bounded.
    /// </summary>
    private static string ErrorType(ReadOnlySpan<KeyValuePair<string, object?>> tags) => Tag(tags, "error.type") switch
    {
        null => "",
        var reason when reason.Contains('.', StringComparison.Ordinal) => "exception",
        var reason => reason,
    };

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == name)
            {
                return tag.Value as string;
            }
        }

        return null;
    }

    /// <summary>One instrument's measurement into its Prometheus series (long values arrive widened).</summary>
    private delegate void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags);
}
