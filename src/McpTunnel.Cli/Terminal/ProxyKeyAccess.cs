using System.Diagnostics;

namespace McpTunnel.Cli.Terminal;

/// <summary>
/// Makes <c>tls.key</c> readable by the proxy container's user (UID 65532, which cannot read a 0600 key it does not own): as root, chown
/// it to 65532 and keep 0600; otherwise chmod 0644, the docs' own workaround, and say so.
/// </summary>
internal static class ProxyKeyAccess
{
    public const int ProxyUid = 65532;

    public static bool RunningAsRoot => !OperatingSystem.IsWindows() && Environment.UserName == "root";

    /// <summary>Returns a note describing what was done.</summary>
    public static string Apply(string keyPath, bool asRoot)
    {
        if (OperatingSystem.IsWindows())
        {
            return "Windows: file modes do not apply; Docker Desktop makes bind mounts readable.";
        }

        if (asRoot && TryChown(keyPath))
        {
            File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            return $"{keyPath}: owner {ProxyUid}:{ProxyUid}, mode 0600 (the proxy runs as UID {ProxyUid})";
        }

        File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        return $"{keyPath}: mode 0644 so the proxy (UID {ProxyUid}) can read it, as the documented quickstart does; keep data/ private. As root, quickstart would chown it to {ProxyUid} and keep 0600.";
    }

    private static bool TryChown(string path)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("chown", [$"{ProxyUid}:{ProxyUid}", path])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return false;
            }

            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
