namespace McpTunnel.Common.Tests;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AtomicFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mcptunnel-atomic-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Write_ReplacesContent_WithOwnerOnlyMode_AndLeavesNoTempFiles()
    {
        var path = Path.Combine(_dir, "tls.key");
        File.WriteAllText(path, "old");

        AtomicFile.WriteAllText(path, "new");

        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void Write_IntoMissingDirectory_ThrowsAndLeavesNothing()
    {
        var path = Path.Combine(_dir, "missing", "tls.key");

        Assert.ThrowsAny<IOException>(() => AtomicFile.WriteAllText(path, "x"));
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }
}
