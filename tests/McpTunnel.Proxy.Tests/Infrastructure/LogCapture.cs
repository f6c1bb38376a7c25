using System.Collections.Concurrent;

namespace McpTunnel.Proxy.Tests.Infrastructure;

/// <summary>Captures every log event (message and structured fields) so tests can assert on the lines operators grep for.</summary>
internal sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();
    private readonly SemaphoreSlim _signal = new(0);

    public IReadOnlyCollection<CapturedLog> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new CaptureLogger(this, categoryName);

    public bool Contains(string messageFragment) => _entries.Any(e => e.Message.Contains(messageFragment, StringComparison.Ordinal));

    /// <summary>Waits (bounded) for an entry matching <paramref name="predicate"/>; no fixed sleeps.</summary>
    public async Task<CapturedLog> WaitForAsync(Func<CapturedLog, bool> predicate, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var found = _entries.FirstOrDefault(predicate);
            if (found is not null)
            {
                return found;
            }

            try
            {
                await _signal.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no matching log entry; captured:\n{string.Join("\n", _entries.Select(e => e.ToString()))}");
            }
        }
    }

    public Task<CapturedLog> WaitForMessageAsync(string fragment, TimeSpan? timeout = null) =>
        WaitForAsync(e => e.Message.Contains(fragment, StringComparison.Ordinal), timeout);

    public void Dispose()
    {
    }

    private void Add(CapturedLog entry)
    {
        _entries.Enqueue(entry);
        _signal.Release();
    }

    private sealed class CaptureLogger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var fields = new Dictionary<string, string>();
            if (state is IReadOnlyList<KeyValuePair<string, object?>> pairs)
            {
                foreach (var (key, value) in pairs)
                {
                    fields[key] = value?.ToString() ?? "";
                }
            }

            owner.Add(new CapturedLog(category, logLevel, eventId.Id, formatter(state, exception), fields, exception));
        }
    }
}

internal sealed record CapturedLog(string Category, LogLevel Level, int EventId, string Message, IReadOnlyDictionary<string, string> Fields, Exception? Exception)
{
    public override string ToString() => $"{Level} {Message} {string.Join(" ", Fields.Select(f => $"{f.Key}={f.Value}"))}";
}
