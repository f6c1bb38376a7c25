using System.Globalization;
using System.Text.Json;
using McpTunnel.Proxy.Configuration;

namespace McpTunnel.Proxy.Audit;

/// <summary>
/// The audit file: records appended as lines to <c>audit.file.path</c>, created with mode 0600, rotated by size and
/// age to <c>PATH.&lt;UTC time&gt;</c> (names that sort in the order they were written). The writer calls
/// <see cref="Sync"/> (fsync) after each batch it takes from the queue, so a record is on disk before the next batch is
/// started; a crash or SIGKILL loses at most the records still queued and the batch being written, and can leave the
/// last line half-written, which <c>mcptunnel audit verify</c> reports as a torn tail, not as tampering.
/// <para>
/// A file left by an earlier run is rotated away at start, so each run begins a fresh file whose first record links
/// to the last whole record of the old one (<see cref="Open"/> returns that link).
/// </para>
/// </summary>
internal sealed class AuditFile(AuditFileSettings settings, TimeProvider time) : IDisposable
{
    private FileStream? _stream;
    private long _length;
    private DateTimeOffset _opened;

    public string Path => settings.Path;

    /// <summary>Opens a new file; the link and sequence to continue from the previous file's last whole record, if there is one.</summary>
    public ChainPosition? Open()
    {
        ChainPosition? previous = null;
        if (File.Exists(settings.Path) && new FileInfo(settings.Path).Length > 0)
        {
            var rotated = RotatedName();
            File.Move(settings.Path, rotated);
            previous = LastRecord(rotated);
        }
        else if (File.Exists(settings.Path))
        {
            File.Delete(settings.Path); // empty: nothing to keep
        }

        OpenNew();
        return previous;
    }

    /// <summary>True when <paramref name="lineBytes"/> more would take the file past its size, or it is past its age.</summary>
    public bool NeedsRotation(int lineBytes) =>
        _length > 0 && (_length + lineBytes + 1 > settings.MaxBytes || time.GetUtcNow() - _opened >= settings.MaxAge);

    /// <summary>Closes the current file (synced) under its rotated name and opens a new one; returns the rotated name.</summary>
    public string Rotate()
    {
        Close();
        var rotated = RotatedName();
        File.Move(settings.Path, rotated);
        OpenNew();
        return rotated;
    }

    public void Write(ReadOnlySpan<byte> line)
    {
        var stream = _stream ?? throw new ObjectDisposedException(nameof(AuditFile));
        stream.Write(line);
        stream.WriteByte((byte)'\n');
        _length += line.Length + 1;
    }

    /// <summary>Writes what is buffered and fsyncs it.</summary>
    public void Sync() => _stream?.Flush(flushToDisk: true);

    public void Dispose() => Close();

    /// <summary>The last whole line of <paramref name="path"/> (ended by a newline), as a chain position; null when none is readable.</summary>
    public static ChainPosition? LastRecord(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var tail = (int)Math.Min(stream.Length, 1024 * 1024);
        stream.Seek(-tail, SeekOrigin.End);
        var buffer = new byte[tail];
        stream.ReadExactly(buffer);
        var end = Array.LastIndexOf(buffer, (byte)'\n');
        if (end < 0)
        {
            return null;
        }

        var start = end == 0 ? 0 : Array.LastIndexOf(buffer, (byte)'\n', end - 1) + 1;
        var line = buffer.AsSpan(start, end - start);
        long seq = -1;
        try
        {
            using var document = JsonDocument.Parse(line.ToArray());
            if (document.RootElement.TryGetProperty("seq", out var value) && value.TryGetInt64(out var number))
            {
                seq = number;
            }
        }
        catch (JsonException)
        {
            // Not a record (edited by hand?): the chain still links to its bytes; verify will say what is wrong with it.
        }

        return new ChainPosition(AuditChain.HashOf(line), seq);
    }

    private void OpenNew()
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.Read,
            BufferSize = 64 * 1024,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // 0600: the records name who called what
        }

        _stream = new FileStream(settings.Path, options);
        _length = 0;
        _opened = time.GetUtcNow();
    }

    private void Close()
    {
        if (_stream is { } stream)
        {
            _stream = null;
            stream.Flush(flushToDisk: true);
            stream.Dispose();
        }
    }

    private string RotatedName()
    {
        var stamp = time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss.fff'Z'", CultureInfo.InvariantCulture);
        var name = $"{settings.Path}.{stamp}";
        for (var i = 1; File.Exists(name); i++)
        {
            name = $"{settings.Path}.{stamp}-{i}";
        }

        return name;
    }
}

/// <summary>Where a chain stands: the <c>prev</c> the next record carries and the last record's sequence number (-1 unknown).</summary>
internal sealed record ChainPosition(string Hash, long Seq);
