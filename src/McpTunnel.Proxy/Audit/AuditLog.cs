using System.Threading.Channels;
using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Logging;
using McpTunnel.Proxy.Observability;

namespace McpTunnel.Proxy.Audit;

/// <summary>
/// The audit log: a long-lived service fed with every finished per-request record, which it turns into chained JSON
/// lines (docs/AUDIT.md) and writes to the configured sinks. Requests only ever hand a record to a bounded queue and
/// return: a slow or failing sink cannot block or fail a request. A full queue drops the record, counts it
/// (<c>mcptunnel_audit_records_dropped_total{sink="queue"}</c>), logs it at most every 10 s, and the writer puts a
/// <c>dropped</c> record with the count into the chain, so the gap is recorded, not hidden.
/// <code>
///   request path: Record ─▶ bounded queue (drop + count when full)
///   writer:       take a batch ─▶ for each: (rotate? anchor in the new file) ─▶ serialize ─▶ chain ─▶ file, stdout, otlp
///                 ─▶ fsync the file ─▶ next batch
/// </code>
/// One chain for all sinks: every sink gets the same lines, so records shipped off the host prove what the file held.
/// The settings are an immutable <see cref="AuditSettings"/>. A reload that keeps them puts an anchor naming the new
/// config into the chain (<see cref="ConfigReloaded"/>); one that changes them replaces this log by another that
/// continues the chain (<see cref="AuditSwitch"/>).
/// </summary>
internal sealed class AuditLog : IRequestRecordSink, IAsyncDisposable
{
    private static readonly TimeSpan DropLogInterval = TimeSpan.FromSeconds(10);

    private readonly AuditSettings _settings;
    private readonly string _proxy;
    private string? _configSha256;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<AuditEntry> _queue;
    private readonly AuditRecordJson _json = new();
    private readonly AuditFile? _file;
    private readonly AuditOtlpSink? _otlp;
    private readonly TextWriter? _stdout;
    private static readonly string[] SinkNames = ["queue", "file", "stdout", "otlp"];
    private readonly long[] _dropped = new long[4];
    private long _droppedUnrecorded;
    private long _lastDropLog = long.MinValue;
    private string? _prev;
    private long _seq;
    private Task? _writer;
    private AuditLog? _successor;
    private int _disposed;

    /// <param name="proxy">The proxy's name and version, as the anchor record names it.</param>
    /// <param name="configSha256">SHA-256 of the config file's bytes (lower-case hex); null when the config did not come from a file.</param>
    /// <param name="stdout">Standard output (the executable's); tests pass their own writer.</param>
    public AuditLog(AuditSettings settings, string proxy, string? configSha256, TimeProvider time, ILogger logger, IReadOnlyDictionary<string, string?> environment, TextWriter? stdout = null)
    {
        _settings = settings;
        _proxy = proxy;
        _configSha256 = configSha256;
        _time = time;
        _logger = logger;
        _queue = Channel.CreateBounded<AuditEntry>(new BoundedChannelOptions(settings.QueueSize)
        {
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite only: a full queue refuses, and the refusal is counted
            SingleReader = true,
            SingleWriter = false,
        });
        _file = settings.File is { } file ? new AuditFile(file, time) : null;
        _stdout = settings.Stdout ? stdout ?? Console.Out : null;
        _otlp = settings.Otlp ? new AuditOtlpSink(environment, proxy) : null;
    }

    /// <summary>Every sink with no drops: what a proxy whose audit a reload turned off reports beside the earlier logs' drops.</summary>
    public static IReadOnlyList<KeyValuePair<string, long>> NoDrops { get; } = [.. SinkNames.Select(name => new KeyValuePair<string, long>(name, 0))];

    public AuditSettings Settings => _settings;

    public IReadOnlyList<KeyValuePair<string, long>> DroppedRecords =>
        [.. SinkNames.Select((name, i) => new KeyValuePair<string, long>(name, Interlocked.Read(ref _dropped[i])))];

    /// <summary>Where the chain stands: the next record's <c>seq</c> and the hash of the last line (final once disposed).</summary>
    public AuditChainPosition Position => new(_seq, _prev);

    /// <summary>
    /// Opens the file (rotating one already there aside), writes the anchor and starts the writer. At start the chain
    /// continues the file an earlier run left; after a reload (<paramref name="continues"/>) it continues the log this
    /// one replaces, and the anchor's reason is <c>reload</c>.
    /// </summary>
    public void Start(AuditChainPosition? continues = null)
    {
        var previous = _file?.Open();
        (_seq, _prev) = continues is { } position
            ? (position.Seq, position.Prev)
            : (previous is { Seq: >= 0 } ? previous.Seq + 1 : 0, previous?.Hash);
        WriteChained(_json.Anchor(_seq, _time.GetUtcNow(), _proxy, _configSha256, continues is null ? "start" : "reload", _prev).Span, "anchor", null, null, null);
        Sync();
        var sinks = string.Join(",", new[] { _file is null ? null : "file", _stdout is null ? null : "stdout", _otlp is null ? null : "otlp" }.Where(s => s is not null));
        var chain = continues is not null ? "continues the chain of the settings it replaces" : previous is null ? "new" : "continues the previous file";
        ProxyLog.AuditStarted(_logger, sinks, _file?.Path ?? "", chain);
        _writer = Task.Factory.StartNew(() => RunAsync(), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    public void Record(RequestObservation observation) => Enqueue(new AuditEntry(observation, null));

    /// <summary>
    /// A reload applied a new config with the same audit settings: an anchor naming it goes into the chain, in its place
    /// among the records, so the chain shows under which config each record was made.
    /// </summary>
    public void ConfigReloaded(string? configSha256) => Enqueue(new AuditEntry(null, new AuditReloadAnchor(configSha256)));

    /// <summary>Drops counted but not yet written as a <c>dropped</c> record: handed to the log that replaces this one.</summary>
    public long TakeUnrecordedDrops() => Interlocked.Exchange(ref _droppedUnrecorded, 0);

    public void AddUnrecordedDrops(long dropped) => Interlocked.Add(ref _droppedUnrecorded, dropped);

    /// <summary>
    /// A reload replaced this log: from now on what its queue refuses (it is being closed) goes to <paramref name="next"/>,
    /// so a request that picked this log just before the swap still gets its record written. Set before the queue closes.
    /// </summary>
    public void HandOverTo(AuditLog next) => Volatile.Write(ref _successor, next);

    private void Enqueue(AuditEntry entry)
    {
        if (!_queue.Writer.TryWrite(entry))
        {
            if (Volatile.Read(ref _successor) is { } successor)
            {
                successor.Enqueue(entry);
                return;
            }

            Interlocked.Increment(ref _droppedUnrecorded);
            Dropped(0, "raise audit.queue_size, or find the slow sink (a full disk, a blocked stdout pipe)");
        }
    }

    /// <summary>After the last request: writes what is queued, syncs and closes the sinks.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return; // stopped already (StopAsync, then DisposeAsync)
        }

        _queue.Writer.TryComplete();
        if (_writer is { } writer)
        {
            await writer.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _file?.Dispose();
        _otlp?.Dispose();
        _json.Dispose();
        _stdout?.Flush();
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            while (reader.TryRead(out var entry))
            {
                RecordDrops();
                if (entry.Reload is { } reload)
                {
                    _configSha256 = reload.ConfigSha256;
                    WriteChained(_json.Anchor(_seq, _time.GetUtcNow(), _proxy, _configSha256, "reload", _prev).Span, "anchor", null, null, null);
                }
                else
                {
                    Append(entry.Request, 0);
                }
            }

            Sync();
        }

        RecordDrops();
        Sync();
    }

    private void RecordDrops()
    {
        var dropped = Interlocked.Exchange(ref _droppedUnrecorded, 0);
        if (dropped > 0)
        {
            Append(null, dropped);
        }
    }

    /// <summary>
    /// Chains one record (a request, or with none a <c>dropped</c> record of <paramref name="dropped"/>) and writes it to
    /// every sink; when the file is due for rotation, it is rotated first and the new file starts with an anchor, and
    /// the record is serialized again after it (its <c>seq</c> and <c>prev</c> follow the anchor).
    /// </summary>
    private void Append(RequestObservation? observation, long dropped)
    {
        ReadOnlyMemory<byte> Serialize() => observation is null
            ? _json.Dropped(_seq, _time.GetUtcNow(), "queue", dropped, _prev)
            : _json.Request(_seq, observation, _prev);

        try
        {
            var line = Serialize();
            if (_file is { } file && file.NeedsRotation(line.Length))
            {
                try
                {
                    var rotatedTo = file.Rotate();
                    ProxyLog.AuditRotated(_logger, file.Path, rotatedTo);
                }
                catch (IOException ex)
                {
                    Sink(1, ex);
                }

                WriteChained(_json.Anchor(_seq, _time.GetUtcNow(), _proxy, _configSha256, "rotate", _prev).Span, "anchor", null, null, null);
                line = Serialize();
            }

            WriteChained(line.Span, observation is null ? "dropped" : "request", observation?.Route, observation?.Mcp.Method, observation?.Policy?.Decision);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            // A string the JSON writer refuses: never expected (names are cut whole), and never fatal to the writer.
            Sink(0, ex);
        }
    }

    private void WriteChained(ReadOnlySpan<byte> line, string type, string? route, string? method, string? decision)
    {
        if (_file is { } file)
        {
            try
            {
                file.Write(line);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or UnauthorizedAccessException)
            {
                Sink(1, ex);
            }
        }

        if (_stdout is { } stdout)
        {
            try
            {
                stdout.Write(System.Text.Encoding.UTF8.GetString(line) + "\n"); // one write: not interleaved with log lines
            }
            catch (IOException ex)
            {
                Sink(2, ex);
            }
        }

        if (_otlp is { } otlp)
        {
            try
            {
                otlp.Write(line, type, route, method, decision);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Sink(3, ex);
            }
        }

        _prev = AuditChain.HashOf(line);
        _seq++;
    }

    private void Sync()
    {
        try
        {
            _file?.Sync();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            Sink(1, ex);
        }
    }

    private void Sink(int sink, Exception ex)
    {
        ProxyLog.AuditSinkFailed(_logger, SinkNames[sink], ex.Message);
        Dropped(sink, "see the error logged with it");
    }

    private void Dropped(int sink, string fix)
    {
        var total = Interlocked.Increment(ref _dropped[sink]);
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastDropLog);
        if ((last == long.MinValue || _time.GetElapsedTime(last, now) >= DropLogInterval) && Interlocked.CompareExchange(ref _lastDropLog, now, last) == last)
        {
            ProxyLog.AuditDropped(_logger, SinkNames[sink], total, fix);
        }
    }
}

/// <summary>Where a chain stands: the <c>seq</c> of the next record and the SHA-256 of the last line (null before the first).</summary>
internal readonly record struct AuditChainPosition(long Seq, string? Prev);

/// <summary>One item of the writer's queue: a request's record, or a reload's anchor.</summary>
internal readonly record struct AuditEntry(RequestObservation? Request, AuditReloadAnchor? Reload);

/// <summary>A reload applied a config whose file has this SHA-256: the anchor that says so in the chain.</summary>
internal sealed record AuditReloadAnchor(string? ConfigSha256);
