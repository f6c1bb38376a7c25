using McpTunnel.Proxy.Configuration;

namespace McpTunnel.Proxy.Hosting;

/// <summary>
/// <c>-watch-config</c>: reloads when the config file's content changes. It watches the file's directory, not the file,
/// because the two usual ways a file is replaced never write to it: Kubernetes swaps the <c>..data</c> symlink of a
/// mounted ConfigMap, and editors write a new file and rename it over the old. Events are only a hint: after the last
/// event of a burst settles (<see cref="Debounce"/>) the file is read and hashed, and a reload happens only when the hash
/// differs from the last content seen. A poll every <see cref="PollInterval"/> does the same, for file systems that raise
/// no events (network mounts, some container overlays), as the certificate store polls its files.
/// </summary>
internal sealed class ConfigFileWatcher : IDisposable
{
    public static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(300);
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);

    private readonly string _path;
    private readonly ConfigReloader _reloader;
    private readonly FileSystemWatcher? _watcher;
    private readonly ITimer _debounce;
    private readonly ITimer _poll;
    private readonly Lock _lock = new();

    public ConfigFileWatcher(string path, ConfigReloader reloader, TimeProvider time)
    {
        _path = Path.GetFullPath(path);
        _reloader = reloader;
        _debounce = time.CreateTimer(_ => Check(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _poll = time.CreateTimer(_ => Check(), null, PollInterval, PollInterval);
        if (Path.GetDirectoryName(_path) is { } directory && Directory.Exists(directory))
        {
            // Every name in the directory: the ConfigMap's change is to ..data and a new ..<timestamp> directory, never
            // to config.yaml itself.
            _watcher = new FileSystemWatcher(directory)
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                IncludeSubdirectories = false,
            };
            _watcher.Changed += OnEvent;
            _watcher.Created += OnEvent;
            _watcher.Deleted += OnEvent;
            _watcher.Renamed += OnEvent;
            _watcher.EnableRaisingEvents = true;
        }
    }

    /// <summary>Reads the file and reloads if its content differs from the last seen; true when a reload was attempted.</summary>
    public bool Check()
    {
        lock (_lock)
        {
            string hash;
            try
            {
                hash = ConfigHash.Of(File.ReadAllBytes(_path));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return false; // mid-swap, or gone for a moment: the next event or poll looks again
            }

            if (hash == _reloader.LastSeenHash)
            {
                return false;
            }

            _reloader.Reload("file change");
            return true;
        }
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _debounce.Dispose();
        _poll.Dispose();
    }

    private void OnEvent(object sender, FileSystemEventArgs e) => _debounce.Change(Debounce, Timeout.InfiniteTimeSpan);
}
