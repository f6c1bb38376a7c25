namespace McpTunnel.Proxy.Forwarding;

/// <summary>
/// The configuration snapshot requests run on now. One reference, read once per request with a volatile read and
/// swapped atomically by a reload; the snapshot it replaces stays alive for the requests already running on it.
/// </summary>
internal sealed class RunningConfig(ConfigSnapshot initial)
{
    private ConfigSnapshot _current = initial;
    private readonly Lock _swapLock = new();
    private bool _retired;

    public ConfigSnapshot Current => Volatile.Read(ref _current);

    /// <summary>
    /// The current snapshot with a lease taken for one request (give it back with <see cref="ConfigSnapshot.Release"/>).
    /// A snapshot can be retired between the read and the lease only after a newer one was swapped in, so the loop
    /// ends on the next read.
    /// </summary>
    public ConfigSnapshot Acquire()
    {
        while (true)
        {
            var snapshot = Volatile.Read(ref _current);
            if (snapshot.TryAcquire())
            {
                return snapshot;
            }
        }
    }

    /// <summary>
    /// Makes <paramref name="next"/> the running snapshot and gives back the previous one's running lease; false (and
    /// nothing swapped) once the server was disposed.
    /// </summary>
    public bool Swap(ConfigSnapshot next)
    {
        ConfigSnapshot previous;
        lock (_swapLock)
        {
            if (_retired)
            {
                return false;
            }

            previous = Interlocked.Exchange(ref _current, next);
        }

        previous.Release();
        return true;
    }

    /// <summary>Gives back the running lease when the server is disposed: the pool goes once the last request ends.</summary>
    public void Retire()
    {
        lock (_swapLock)
        {
            if (_retired)
            {
                return;
            }

            _retired = true;
        }

        Current.Release();
    }
}
