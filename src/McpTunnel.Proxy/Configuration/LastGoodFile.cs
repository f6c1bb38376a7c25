namespace McpTunnel.Proxy.Configuration;

/// <summary>
/// The re-read rule for every file the running proxy takes a value from (the certificate pair, credential files):
/// each poll reads the files through their configured paths (so a Kubernetes Secret's <c>..data</c> symlink swap and a
/// write-then-rename are followed), compares the content's hash with the running value's, and builds a new value only
/// when the content changed. Files that cannot be read or hold something unusable keep the last good value; each
/// distinct broken state is reported once, not on every poll, so a half-written file is retried quietly. The value
/// is swapped with one reference write: a reader sees the old value or the new one, whole. One poll runs at a time.
/// </summary>
internal sealed class LastGoodFile<T>(T initial, string initialHash, Func<FileRead<T>> read)
    where T : class
{
    private T _current = initial;
    private string _currentHash = initialHash;
    private string? _reportedState;
    private int _polling;

    public T Current => Volatile.Read(ref _current);

    public FilePoll Poll()
    {
        if (Interlocked.Exchange(ref _polling, 1) == 1)
        {
            return FilePoll.Unchanged;
        }

        try
        {
            var observed = read();
            string? problem = observed.Problem;
            var fix = observed.Fix;
            if (problem is null && observed.ContentHash == _currentHash)
            {
                _reportedState = null;
                return FilePoll.Unchanged;
            }

            if (problem is null)
            {
                try
                {
                    var next = observed.Build!();
                    Volatile.Write(ref _current, next);
                    _currentHash = observed.ContentHash!;
                    _reportedState = null;
                    return FilePoll.Reloaded;
                }
                catch (UnusableFileException ex)
                {
                    problem = ex.Message;
                    fix = ex.Fix;
                }
            }

            // The content's hash when there is content (one report per broken version), else the problem itself.
            var state = observed.ContentHash ?? problem;
            if (_reportedState == state)
            {
                return FilePoll.StillFailing;
            }

            _reportedState = state;
            return FilePoll.Failed(problem, fix);
        }
        finally
        {
            Volatile.Write(ref _polling, 0);
        }
    }
}

/// <summary>One read of the files: the content's hash and how to build the value from it, or why it could not be read (and the fix, when known).</summary>
internal readonly record struct FileRead<T>(string? ContentHash, Func<T>? Build, string? Problem, string? Fix = null)
{
    public static FileRead<T> Read(string contentHash, Func<T> build) => new(contentHash, build, null);

    public static FileRead<T> Unreadable(string problem, string? fix = null) => new(null, null, problem, fix);
}

/// <summary>Thrown by a <see cref="FileRead{T}.Build"/> when the content cannot be used; its message is reported.</summary>
internal sealed class UnusableFileException(string message, Exception? inner = null, string? fix = null) : Exception(message, inner)
{
    public string? Fix { get; } = fix;
}

/// <summary>What a poll found: nothing new, a new value swapped in, a broken state seen for the first time (with why), or the same broken state again.</summary>
internal readonly record struct FilePoll(FilePollResult Result, string? Problem, string? Fix)
{
    public static readonly FilePoll Unchanged = new(FilePollResult.Unchanged, null, null);

    public static readonly FilePoll Reloaded = new(FilePollResult.Reloaded, null, null);

    public static readonly FilePoll StillFailing = new(FilePollResult.StillFailing, null, null);

    public static FilePoll Failed(string problem, string? fix) => new(FilePollResult.Failed, problem, fix);
}

internal enum FilePollResult
{
    Unchanged,
    Reloaded,
    Failed,
    StillFailing,
}
