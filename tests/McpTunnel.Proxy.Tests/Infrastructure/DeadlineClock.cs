using Microsoft.Extensions.Time.Testing;

namespace McpTunnel.Proxy.Tests.Infrastructure;

/// <summary>
/// A fake clock that says when a timer has been set to a given due time (created with it, or changed to it, as
/// <c>CancellationTokenSource.CancelAfter</c> does), so a test moves time only once the deadline under test is
/// armed. Without it, an Advance can land before the proxy arms the deadline, and the deadline then never passes.
/// </summary>
internal sealed class DeadlineClock : FakeTimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<(TimeSpan Due, TaskCompletionSource Armed)> _waiters = [];
    private readonly List<TimeSpan> _armed = [];

    /// <summary>Completes once some timer has been set to <paramref name="due"/> (at once if one already was).</summary>
    public Task WhenArmedAsync(TimeSpan due)
    {
        lock (_gate)
        {
            if (_armed.Contains(due))
            {
                return Task.CompletedTask;
            }

            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((due, waiter));
            return waiter.Task;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new WatchedTimer(base.CreateTimer(callback, state, dueTime, period), this);
        Armed(dueTime);
        return timer;
    }

    private void Armed(TimeSpan due)
    {
        lock (_gate)
        {
            _armed.Add(due);
            foreach (var waiter in _waiters.Where(w => w.Due == due).ToList())
            {
                waiter.Armed.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    private sealed class WatchedTimer(ITimer inner, DeadlineClock clock) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var changed = inner.Change(dueTime, period);
            clock.Armed(dueTime);
            return changed;
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
