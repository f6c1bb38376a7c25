using System.Runtime.InteropServices;

namespace McpTunnel.Proxy.Hosting;

/// <summary>
/// Gives memory back to the system once a burst of traffic is over. After a flood (HTTP/2 requests at the 32 KB header
/// limit on many streams, 1 MB bodies in 1-byte WebSocket frames) a proxy at rest kept +50 to +150 MB resident: the GC
/// had grown its heap for the burst and, with no allocations afterwards, ran no collection that would give the free
/// space back, and glibc kept the native memory OpenSSL had freed in its arenas. Every <see cref="Interval"/> this
/// looks at how much the process allocated; once at least <see cref="BurstBytes"/> have been allocated since the last
/// trim (a burst, however many intervals it took: a flood on a loaded host is slow) and an interval then allocates less
/// than <see cref="QuietBytes"/>, it runs one aggressive full collection (which decommits the free heap) and
/// <c>malloc_trim(0)</c>. A busy proxy is never interrupted; a quiet one pays it once per burst, and a proxy with a
/// trickle of traffic at most once per <see cref="BurstBytes"/> allocated (a few milliseconds on a heap this small).
/// <c>MCP_PROXY_IDLE_MEMORY_TRIM=0</c> turns it off. docs/RELIABILITY.md "Memory after a burst" has the figures.
/// </summary>
internal sealed class IdleMemoryTrimmer : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    public const long BurstBytes = 64L * 1024 * 1024;

    public const long QuietBytes = 4L * 1024 * 1024;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int MallocTrim(nuint pad);

    private static readonly Lazy<MallocTrim?> NativeTrim = new(LoadMallocTrim);

    private readonly Func<long> _allocatedBytes;
    private readonly ITimer _timer;
    private long _lastAllocated;
    private long _sinceTrim;

    private IdleMemoryTrimmer(TimeProvider time, Func<long> allocatedBytes)
    {
        _allocatedBytes = allocatedBytes;
        _lastAllocated = allocatedBytes();
        _timer = time.CreateTimer(_ => Tick(), null, Interval, Interval);
    }

    /// <summary>How many times memory was given back (tests read it).</summary>
    public int Trims { get; private set; }

    /// <summary>The trimmer, or null when <c>MCP_PROXY_IDLE_MEMORY_TRIM=0</c> turns it off.</summary>
    public static IdleMemoryTrimmer? Start(TimeProvider time, Func<long>? allocatedBytes = null) =>
        Environment.GetEnvironmentVariable("MCP_PROXY_IDLE_MEMORY_TRIM") == "0"
            ? null
            : new IdleMemoryTrimmer(time, allocatedBytes ?? (() => GC.GetTotalAllocatedBytes(precise: false)));

    public void Dispose() => _timer.Dispose();

    private void Tick()
    {
        var allocated = _allocatedBytes();
        var sinceLast = allocated - _lastAllocated;
        _lastAllocated = allocated;
        _sinceTrim += sinceLast;
        if (_sinceTrim >= BurstBytes && sinceLast < QuietBytes)
        {
            _sinceTrim = 0;
            Trims++;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            NativeTrim.Value?.Invoke(0);
        }
    }

    /// <summary>glibc's <c>malloc_trim</c>, or null elsewhere (musl and other C libraries return memory themselves or lack it).</summary>
    private static MallocTrim? LoadMallocTrim()
    {
        try
        {
            return OperatingSystem.IsLinux() && NativeLibrary.TryLoad("libc.so.6", out var libc) && NativeLibrary.TryGetExport(libc, "malloc_trim", out var address)
                ? Marshal.GetDelegateForFunctionPointer<MallocTrim>(address)
                : null;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return null;
        }
    }
}
