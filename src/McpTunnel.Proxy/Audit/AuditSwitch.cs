using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Observability;
using McpTunnel.Proxy.Policy;

namespace McpTunnel.Proxy.Audit;

/// <summary>
/// The audit log a proxy that started with <c>audit:</c> records into, as reloads change it (docs/AUDIT.md "Reload").
/// Requests hand their records to whichever log is current; a reload:
/// <code>
///   same audit settings      ─▶ the current log writes an anchor naming the new config (reason "reload")
///   other audit settings     ─▶ a new log becomes current (its queue takes records at once, and what the closing
///                               old queue refuses), the old one writes what it holds and closes, then the new one
///                               opens its sinks and starts with an anchor (reason "reload") that continues the old
///                               one's chain: one chain across the change, no record lost to it
///   audit: removed           ─▶ the old log writes what it holds and closes; nothing is recorded until it is back
/// </code>
/// Only a proxy that started with <c>audit:</c> has one: an unaudited proxy builds no per-request record at all, so
/// turning audit on is a restart (the reload says so).
/// </summary>
internal sealed class AuditSwitch : IRequestRecordSink, IAsyncDisposable
{
    private readonly Func<AuditSettings, string?, AuditLog> _create;
    private readonly Lock _lock = new();
    private readonly long[] _retiredDrops = new long[4];
    private AuditLog? _current;
    private AuditLog? _draining; // the replaced log while it writes what it holds: its drops still count
    private ArgumentRecorder? _arguments;
    private AuditChainPosition? _retiredPosition;

    /// <param name="create">Makes a log for settings and the config's SHA-256 (not started).</param>
    public AuditSwitch(AuditSettings settings, string? configSha256, Func<AuditSettings, string?, AuditLog> create)
    {
        _create = create;
        _current = create(settings, configSha256);
        _arguments = ArgumentsFor(settings);
    }

    /// <summary>The log records go to now; null while a reload has turned audit off.</summary>
    public AuditLog? Current => Volatile.Read(ref _current);

    /// <summary>What the MCP policy stage records of a call's arguments under the current settings (null: nothing).</summary>
    public ArgumentRecorder? Arguments => Volatile.Read(ref _arguments);

    /// <summary>
    /// Records dropped per sink since start, across reloads. A counter that Prometheus must never see go down: the
    /// current log, the replaced one still draining and the retired ones' totals are read under one lock, and a
    /// replaced log's drops move into the retired totals under the same lock, so no read falls between the two.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, long>> DroppedRecords
    {
        get
        {
            lock (_lock)
            {
                var current = (_current?.DroppedRecords ?? AuditLog.NoDrops).Select(d => d.Value).ToArray();
                var draining = (_draining?.DroppedRecords ?? AuditLog.NoDrops).Select(d => d.Value).ToArray();
                return [.. AuditLog.NoDrops.Select((d, i) => new KeyValuePair<string, long>(d.Key, current[i] + draining[i] + _retiredDrops[i]))];
            }
        }
    }

    public void Record(RequestObservation observation) => Volatile.Read(ref _current)?.Record(observation);

    public void Start() => Current?.Start();

    /// <summary>Applies a reloaded config's audit settings (null: the section was removed). Called by one reload at a time.</summary>
    public async Task ApplyAsync(AuditSettings? next, string? configSha256)
    {
        var current = Current;
        if (current is not null && next is not null && current.Settings.SameAs(next))
        {
            current.ConfigReloaded(configSha256);
            return;
        }

        var replacement = next is null ? null : _create(next, configSha256);
        if (replacement is not null)
        {
            current?.HandOverTo(replacement); // a request that took the old log a moment ago still gets its record
        }

        Volatile.Write(ref _arguments, next is null ? null : ArgumentsFor(next));
        lock (_lock)
        {
            _draining = current;
            Volatile.Write(ref _current, replacement); // from here on records queue in the new log
        }

        var position = _retiredPosition;
        if (current is not null)
        {
            await current.DisposeAsync();
            position = current.Position;
            replacement?.AddUnrecordedDrops(current.TakeUnrecordedDrops());
            lock (_lock)
            {
                foreach (var (drop, i) in current.DroppedRecords.Select((d, i) => (d.Value, i)))
                {
                    _retiredDrops[i] += drop;
                }

                _draining = null;
            }
        }

        _retiredPosition = position;
        replacement?.Start(position);
    }

    public async ValueTask DisposeAsync()
    {
        if (Current is { } current)
        {
            await current.DisposeAsync();
        }
    }

    private static ArgumentRecorder? ArgumentsFor(AuditSettings settings) =>
        settings.Arguments is AuditArguments.None ? null : new ArgumentRecorder(settings.Arguments, settings.RedactKeys);
}
