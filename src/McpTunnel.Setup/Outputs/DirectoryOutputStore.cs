using McpTunnel.Common;

namespace McpTunnel.Setup.Outputs;

/// <summary>
/// <c>dir:/path</c>: one file per key in an existing directory. Each file is replaced
/// atomically with mode 0600, owned by the running user; in Compose both setup and the proxy run as UID
/// 65532, so the proxy can read them. Unchanged files are left alone.
/// </summary>
internal sealed class DirectoryOutputStore(DirectoryDestination destination) : IOutputStore
{
    public OutputDestination Destination => destination;

    public Task<StoredOutput> ReadAsync(CancellationToken cancellationToken)
    {
        EnsureDirectory();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in OutputKeys.All)
        {
            var path = System.IO.Path.Combine(destination.Path, key);
            try
            {
                if (File.Exists(path))
                {
                    values[key] = File.ReadAllText(path);
                }
            }
            catch (UnauthorizedAccessException exception)
            {
                throw PermissionDenied(path, exception);
            }
        }

        return Task.FromResult(new StoredOutput(values));
    }

    public Task<IReadOnlyList<string>> WriteAsync(IReadOnlyList<KeyValuePair<string, string>> entries, CancellationToken cancellationToken)
    {
        EnsureDirectory();
        var changed = new List<string>();
        foreach (var (key, value) in entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var path = System.IO.Path.Combine(destination.Path, key);
            try
            {
                if (File.Exists(path) && File.ReadAllText(path) == value)
                {
                    continue;
                }

                AtomicFile.WriteAllText(path, value);
                changed.Add(key);
            }
            catch (UnauthorizedAccessException exception)
            {
                throw PermissionDenied(path, exception);
            }
            catch (IOException exception)
            {
                throw new SetupException($"writing {path} failed: {exception.Message}", "check free space and that the output directory is writable", innerException: exception);
            }
        }

        return Task.FromResult<IReadOnlyList<string>>(changed);
    }

    private void EnsureDirectory()
    {
        if (!Directory.Exists(destination.Path))
        {
            throw new SetupException(
                $"output directory {destination.Path} does not exist",
                $"create it first (Compose: mkdir -p data && sudo chown 65532:65532 data), or fix --output=dir:{destination.Path}");
        }
    }

    private static SetupException PermissionDenied(string path, Exception exception) =>
        new(
            $"open {path}: permission denied",
            "setup must own the output directory (Compose: sudo chown 65532:65532 data)",
            innerException: exception);
}
