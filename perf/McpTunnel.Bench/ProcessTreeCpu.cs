using System.Globalization;

namespace McpTunnel.Bench;

/// <summary>
/// CPU time (user + system) a process and its direct children have used so far, read from /proc: nginx's master
/// and the workers it forks, which <see cref="System.Diagnostics.Process"/> does not see as one unit.
/// </summary>
internal static class ProcessTreeCpu
{
    /// <summary>/proc/&lt;pid&gt;/stat counts CPU in USER_HZ ticks, which Linux fixes at 100 per second for user space.</summary>
    private const long TicksPerSecond = 100;

    public static TimeSpan Of(int rootPid)
    {
        var total = TimeSpan.Zero;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var (parentPid, ticks) = ParseStat(File.ReadAllText(Path.Combine(directory, "stat")));
                if (pid == rootPid || parentPid == rootPid)
                {
                    total += ThreadRunTime(directory) ?? TimeSpan.FromSeconds(ticks / (double)TicksPerSecond);
                }
            }
            catch (IOException)
            {
                // The process exited between listing /proc and reading it.
            }
        }

        return total;
    }

    /// <summary>The parent pid and utime + stime (in ticks) from one /proc/&lt;pid&gt;/stat line.</summary>
    internal static (int ParentPid, long UserAndSystemTicks) ParseStat(string stat)
    {
        // The command name (field 2) is in parentheses and may itself contain spaces and ')': fields are counted
        // from its last ')'. After it: state (3), ppid (4), …, utime (14), stime (15).
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (int.Parse(fields[1], CultureInfo.InvariantCulture),
            long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Run time of the process's live threads in nanoseconds (first field of each thread's schedstat), or null when
    /// the kernel does not provide it. A short handshake run costs nginx only tens of milliseconds, which 10 ms ticks
    /// would round away; nginx's threads never exit (no thread pools are configured), so nothing is missed.
    /// </summary>
    private static TimeSpan? ThreadRunTime(string processDirectory)
    {
        long nanoseconds = 0;
        foreach (var thread in Directory.EnumerateDirectories(Path.Combine(processDirectory, "task")))
        {
            var schedstat = Path.Combine(thread, "schedstat");
            if (!File.Exists(schedstat))
            {
                return null;
            }

            var text = File.ReadAllText(schedstat);
            nanoseconds += long.Parse(text.AsSpan(0, text.IndexOf(' ')), CultureInfo.InvariantCulture);
        }

        return TimeSpan.FromTicks(nanoseconds / 100);
    }
}
