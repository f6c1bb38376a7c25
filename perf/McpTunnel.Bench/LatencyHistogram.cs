namespace McpTunnel.Bench;

/// <summary>
/// An HDR-style latency histogram in nanoseconds: log-linear buckets (each power of two split into 32 linear
/// sub-buckets, so every recorded value is kept to within ~3%), lock-free recording, mergeable.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBuckets = 32;
    private const int BucketCount = 2 * SubBuckets + (64 - 6) * SubBuckets;

    private readonly long[] _counts = new long[BucketCount];
    private long _total;
    private long _max;

    public long Count => Volatile.Read(ref _total);

    public TimeSpan Max => TimeSpan.FromTicks(Volatile.Read(ref _max) / 100);

    public void Record(long nanoseconds)
    {
        if (nanoseconds < 0)
        {
            nanoseconds = 0;
        }

        Interlocked.Increment(ref _counts[IndexOf(nanoseconds)]);
        Interlocked.Increment(ref _total);
        long max;
        while (nanoseconds > (max = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, nanoseconds, max) != max)
        {
        }
    }

    /// <summary>Records the time since a <see cref="System.Diagnostics.Stopwatch"/> timestamp.</summary>
    public void RecordSince(long startTimestamp, long endTimestamp) =>
        Record((long)((endTimestamp - startTimestamp) * (1e9 / System.Diagnostics.Stopwatch.Frequency)));

    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < BucketCount; i++)
        {
            _counts[i] += other._counts[i];
        }

        _total += other._total;
        _max = Math.Max(_max, other._max);
    }

    /// <summary>The value at <paramref name="percentile"/> (0-100), in milliseconds; the bucket's upper bound (HDR convention).</summary>
    public double PercentileMs(double percentile)
    {
        var total = Count;
        if (total == 0)
        {
            return double.NaN;
        }

        var rank = (long)Math.Ceiling(percentile / 100.0 * total);
        rank = Math.Clamp(rank, 1, total);
        long seen = 0;
        for (var i = 0; i < BucketCount; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Math.Min(UpperBound(i), Volatile.Read(ref _max)) / 1e6;
            }
        }

        return _max / 1e6;
    }

    internal static int IndexOf(long value)
    {
        if (value < 2 * SubBuckets)
        {
            return (int)value;
        }

        var exponent = 63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)value); // >= 6
        var shift = exponent - 5;
        var sub = (int)(value >> shift); // 32..63
        return 2 * SubBuckets + (shift - 1) * SubBuckets + (sub - SubBuckets);
    }

    internal static long UpperBound(int index)
    {
        if (index < 2 * SubBuckets)
        {
            return index;
        }

        var shift = (index - 2 * SubBuckets) / SubBuckets + 1;
        var sub = (index - 2 * SubBuckets) % SubBuckets + SubBuckets;
        return ((long)(sub + 1) << shift) - 1;
    }
}
