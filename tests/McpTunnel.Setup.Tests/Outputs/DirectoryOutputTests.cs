using McpTunnel.Setup.Outputs;
using McpTunnel.Setup.Tests.Support;
using McpTunnel.Testing;

namespace McpTunnel.Setup.Tests.Outputs;

public sealed class DirectoryOutputTests
{
    [Fact]
    public async Task Init_EveryOutputFile_IsOwnerReadWriteOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix file modes only.
        }

        await using var setup = await SetupHarness.StartAsync();

        Assert.Equal(0, (await setup.InitAsync("--token-version=1")).ExitCode);

        foreach (var key in OutputKeys.All)
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(setup.OutputDirectory, key)));
        }

        Assert.Empty(Directory.GetFiles(setup.OutputDirectory, "*.tmp"));
    }

    [Fact]
    public async Task Write_UnchangedValue_LeavesTheFileAlone()
    {
        using var temp = new TempDirectory();
        var store = new DirectoryOutputStore(new DirectoryDestination(temp.Path));
        await store.WriteAsync([new(OutputKeys.TunnelId, "tnl_1"), new(OutputKeys.TokenVersion, "1")], CancellationToken.None);
        var path = Path.Combine(temp.Path, OutputKeys.TunnelId);
        File.SetLastWriteTimeUtc(path, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        var changed = await store.WriteAsync([new(OutputKeys.TunnelId, "tnl_1"), new(OutputKeys.TokenVersion, "2")], CancellationToken.None);

        Assert.Equal([OutputKeys.TokenVersion], changed);
        Assert.Equal(new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc), File.GetLastWriteTimeUtc(path));
        Assert.Equal("2", (await store.ReadAsync(CancellationToken.None)).TokenVersion);
    }

    [Fact]
    public async Task Read_ValuesWithTrailingNewlines_AreTrimmedForScalarKeys()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(Path.Combine(temp.Path, OutputKeys.TunnelId), "tnl_abc\n");
        var store = new DirectoryOutputStore(new DirectoryDestination(temp.Path));

        var stored = await store.ReadAsync(CancellationToken.None);

        Assert.Equal("tnl_abc", stored.TunnelId);
        Assert.False(stored.IsEmpty);
        Assert.False(stored.HasCa);
    }
}
