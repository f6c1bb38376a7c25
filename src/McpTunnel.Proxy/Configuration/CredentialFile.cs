using System.Security.Cryptography;

namespace McpTunnel.Proxy.Configuration;

/// <summary>
/// Reads a credential's <c>value_file</c>, at load and at every re-read, with one set of rules: at most
/// <see cref="MaxBytes"/>; trailing line breaks dropped (<c>echo</c> and <c>kubectl create secret --from-file</c> leave
/// one); then one non-empty line of printable ASCII with no space or tab at either end, since anything else either cannot
/// be sent as a header value or would reach the upstream changed. A problem is described by position and kind only,
/// never by the bytes it found. The file is the operator's, not untrusted input: a bad one is refused, not parsed around.
/// </summary>
internal static class CredentialFile
{
    /// <summary>Larger than any real token, smaller than the header limits servers apply (8 KiB is nginx's and Kestrel's line default).</summary>
    public const int MaxBytes = 8 * 1024;

    public static CredentialFileContent Read(string path, string prefix)
    {
        byte[] bytes;
        try
        {
            bytes = ReadAtMost(path, MaxBytes + 1);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var fix = ex is UnauthorizedAccessException
                ? "make the file readable by the proxy's user (UID 65532 in the image): chown it to that user and chmod 600, or mount the Secret with that owner or fsGroup"
                : "check the path and the mount: the Secret's key must appear as this file inside the proxy's container";
            return CredentialFileContent.Failed(GoFileErrors.Describe("open", path, ex), fix);
        }

        if (bytes.Length > MaxBytes)
        {
            return CredentialFileContent.Failed($"{path} holds more than {MaxBytes} bytes, longer than a header value servers accept", "point value_file at a file that holds only the token");
        }

        var length = bytes.Length;
        while (length > 0 && bytes[length - 1] is (byte)'\n' or (byte)'\r')
        {
            length--;
        }

        if (length == 0)
        {
            return CredentialFileContent.Failed($"{path} is empty", "write the token into the file (a trailing newline is fine)");
        }

        for (var i = 0; i < length; i++)
        {
            switch (bytes[i])
            {
                case (byte)'\n' or (byte)'\r':
                    return CredentialFileContent.Failed($"{path} holds a line break inside the value (byte {i + 1})", "the file must hold one line: the token, optionally followed by a newline");
                case (byte)'\t' or (>= 0x20 and < 0x7F):
                    continue;
                default:
                    return CredentialFileContent.Failed($"{path} holds a byte that is not printable ASCII (byte {i + 1})", "write the token as printable ASCII on one line: a header value cannot carry control characters (NUL included) or other bytes");
            }
        }

        if (bytes[0] is (byte)' ' or (byte)'\t' || bytes[length - 1] is (byte)' ' or (byte)'\t')
        {
            return CredentialFileContent.Failed($"{path}: the value starts or ends with a space or tab", "remove the spaces around the token (servers drop them, so the upstream would get another value); put a separator in prefix, e.g. prefix: \"Bearer \"");
        }

        var content = System.Text.Encoding.ASCII.GetString(bytes, 0, length);
        return new CredentialFileContent(new SecretHeaderValue(prefix + content, Convert.ToHexString(SHA256.HashData(bytes.AsSpan(0, length)))), null, null);
    }

    /// <summary>
    /// A warning when users other than the file's owner (and its group) may read it, or anyone but its owner may write
    /// it; null when the mode is tight or cannot be read. Only a warning: what counts as tight depends on who runs the
    /// proxy, and a Secret volume's mode is set where it is mounted.
    /// </summary>
    public static string? LooseModeWarning(string field, string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        UnixFileMode mode;
        try
        {
            mode = File.GetUnixFileMode(path); // follows symbolic links, as reading does (Kubernetes' ..data/)
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        const UnixFileMode Loose = UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute | UnixFileMode.GroupWrite;
        if ((mode & Loose) == 0)
        {
            return null;
        }

        var octal = Convert.ToString((int)mode & 0x1FF, 8).PadLeft(4, '0');
        return $"{field}: {path} has mode {octal}, so users other than its owner{((mode & UnixFileMode.GroupWrite) != 0 ? " and group" : "")} can {((mode & (UnixFileMode.OtherWrite | UnixFileMode.GroupWrite)) != 0 ? "change" : "read")} the credential. Fix: chmod 600 {path} (640 to share it with the proxy's group); in Kubernetes mount the Secret with defaultMode: 0440 and the pod's fsGroup";
    }

    private static byte[] ReadAtMost(string path, int limit)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        var buffer = new byte[limit];
        var total = 0;
        while (total < limit)
        {
            var read = stream.Read(buffer, total, limit - total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return buffer[..total];
    }
}

/// <summary>One read of a credential file: the header value, or the problem and its fix.</summary>
internal sealed class CredentialFileContent(SecretHeaderValue? value, string? problem, string? fix)
{
    public SecretHeaderValue? Value { get; } = value;

    public string? Problem { get; } = problem;

    public string? Fix { get; } = fix;

    public static CredentialFileContent Failed(string problem, string fix) => new(null, problem, fix);
}
