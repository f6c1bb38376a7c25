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
    private readonly Gauge _activeConnections;
    private readonly Histogram _connectionDuration;
    private readonly Counter _rejectedConnections;
    private readonly Gauge _threadPoolQueue;
    private readonly Gauge _threadPoolThreads;
    private readonly Counter _threadPoolWorkItems;
    private readonly Counter _lockContentions;
    private readonly Counter _exceptions;
    private readonly Counter _gcPause;
    private readonly Counter _allocated;

    public FrameworkMeters(CollectorRegistry registry, IMeterFactory? serverMeters)
    {
        _serverMeters = serverMeters;
        var factory = Metrics.WithCustomRegistry(registry);
        _activeConnections = factory.CreateGauge("kestrel_active_connections", "Connections Kestrel holds open, by listener: edge (the TCP connections the edge's WebSockets arrive on) or inner (one per tunnel, the HTTP inside its TLS).", "listener");
        _connectionDuration = factory.CreateHistogram("kestrel_connection_duration_seconds", "How long Kestrel connections lasted, by listener and Kestrel's reason for ending one (empty when it ended normally).", new HistogramConfiguration { LabelNames = ["listener", "error_type"], Buckets = ConnectionBuckets });
        _rejectedConnections = factory.CreateCounter("kestrel_rejected_connections_total", "Connections Kestrel refused because a connection limit was reached.", "listener");
        _threadPoolQueue = factory.CreateGauge("dotnet_thread_pool_queue_length", "Work items queued to the thread pool and not started yet (a growing queue means CPU starvation or blocking).");
        _threadPoolThreads = factory.CreateGauge("dotnet_thread_pool_threads", "Thread pool threads.");
        _threadPoolWorkItems = factory.CreateCounter("dotnet_thread_pool_work_items_total", "Work items the thread pool has completed.");
        _lockContentions = factory.CreateCounter("dotnet_monitor_lock_contentions_total", "Times a thread waited for a lock held by another.");
        _exceptions = factory.CreateCounter("dotnet_exceptions_total", "Exceptions thrown (first chance), handled or not.");
        _gcPause = factory.CreateCounter("dotnet_gc_pause_seconds_total", "Time the process was paused by garbage collections.");
        _allocated = factory.CreateCounter("dotnet_gc_heap_allocated_bytes_total", "Bytes allocated on the managed heap since the process started.");
        foreach (var listener in new[] { "edge", "inner" })
        {
            _activeConnections.WithLabels(listener);
            _rejectedConnections.WithLabels(listener);
        }

        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (Wanted(instrument))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnLong);
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, state) => OnLong(instrument, value, tags, state));
        _listener.SetMeasurementEventCallback<double>(OnDouble);
        _listener.Start();

        // The runtime's instruments are observable: their callbacks run when asked, which is at scrape time.
        registry.AddBeforeCollectCallback(_listener.RecordObservableInstruments);
    }

    public void Dispose() => _listener.Dispose();

    private bool Wanted(Instrument instrument) => instrument.Meter.Name switch
    {
        // Kestrel's meter exists once per server; only the tunnel server's is ours to show (not the admin listener's).
        KestrelMeter => _serverMeters is not null && ReferenceEquals(instrument.Meter.Scope, _serverMeters) && instrument.Name is
            "kestrel.active_connections" or "kestrel.connection.duration" or "kestrel.rejected_connections",
        RuntimeMeter => instrument.Name is "dotnet.thread_pool.queue.length" or "dotnet.thread_pool.thread.count" or "dotnet.thread_pool.work_item.count"
            or "dotnet.monitor.lock_contentions" or "dotnet.exceptions" or "dotnet.gc.pause.time" or "dotnet.gc.heap.total_allocated",
        _ => false,
    };

    private void OnLong(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        switch (instrument.Name)
        {
            case "kestrel.active_connections":
                _activeConnections.WithLabels(ListenerLabel(tags)).Inc(value);
                break;
            case "kestrel.rejected_connections":
                _rejectedConnections.WithLabels(ListenerLabel(tags)).Inc(value);
                break;
            case "dotnet.thread_pool.queue.length":
                _threadPoolQueue.Set(value);
                break;
            case "dotnet.thread_pool.thread.count":
                _threadPoolThreads.Set(value);
                break;
            case "dotnet.thread_pool.work_item.count":
                _threadPoolWorkItems.IncTo(value);
                break;
            case "dotnet.monitor.lock_contentions":
                _lockContentions.IncTo(value);
                break;
            case "dotnet.exceptions":
                // A plain counter (one measurement per exception), unlike the observable totals above.
                _exceptions.Inc(value);
                break;
            case "dotnet.gc.heap.total_allocated":
                _allocated.IncTo(value);
                break;
        }
    }

    private void OnDouble(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        switch (instrument.Name)
        {
            case "kestrel.connection.duration":
                _connectionDuration.WithLabels(ListenerLabel(tags), ErrorType(tags)).Observe(value);
                break;
            case "dotnet.gc.pause.time":
                _gcPause.IncTo(value);
                break;
        }
    }

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
}
