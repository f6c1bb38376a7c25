namespace McpTunnel.Cli.Tests.Infrastructure;

/// <summary>File modes for assertions; these tests run on Linux (Windows has no modes to check).</summary>
internal static class UnixMode
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode Public = OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static UnixFileMode Of(string path) => OperatingSystem.IsWindows() ? UnixFileMode.None : File.GetUnixFileMode(path);
}
