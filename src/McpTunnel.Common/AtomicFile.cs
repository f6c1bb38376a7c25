using System.Text;

namespace McpTunnel.Common;

/// <summary>
/// Writes a file so that readers see either the old content or the new, never a half-written one:
/// write a temporary file in the same directory with restrictive permissions, flush it to disk, then
/// rename it over the target (rename is atomic within a file system). Used for keys, certificates and
/// tokens, so a crash mid-write never replaces a good credential with a broken one.
/// </summary>
public static class AtomicFile
{
    /// <summary>Owner read/write only: the default for every secret we write.</summary>
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static void WriteAllText(string path, string contents, UnixFileMode mode = OwnerOnly) =>
        WriteAllBytes(path, Encoding.UTF8.GetBytes(contents), mode);

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> contents, UnixFileMode mode = OwnerOnly)
    {
        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"'{path}' has no directory.", nameof(path));
        var temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
            };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = mode;
            }

            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(contents);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a stray temp file is harmless and named so it cannot be mistaken for output.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
