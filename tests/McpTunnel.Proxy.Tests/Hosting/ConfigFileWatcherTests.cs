using System.Net;
using McpTunnel.Proxy.Hosting;
using McpTunnel.Proxy.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace McpTunnel.Proxy.Tests.Hosting;

/// <summary>
/// <c>-watch-config</c>: the two ways a config file is replaced without being written to (Kubernetes' ConfigMap
/// <c>..data</c> symlink swap, an editor's write-new-then-rename) each reload once; a rewrite with the same bytes does
/// not; the poll finds a change when no event came.
/// </summary>
public sealed class ConfigFileWatcherTests
{
    [Fact]
    public async Task ConfigMapSymlinkSwap_ReloadsOnce()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        var mount = ConfigMapMount.Create(proxy, File.ReadAllText(proxy.ConfigPath));
        using var watcher = new ConfigFileWatcher(mount.ConfigPath, new ConfigReloaderProbe(proxy).Reloader(mount.ConfigPath), TimeProvider.System);
        Assert.False(watcher.Check()); // the same content as the running config: nothing to do

        mount.Publish(TestProxy.ConfigYaml(proxy.Pki, $"two: http://127.0.0.1:{upstream.Port}"));

        await proxy.Logs.WaitForMessageAsync("config reloaded");
        Assert.False(watcher.Check());
        Assert.Single(proxy.Logs.Entries, e => e.Message == "config reloaded");
        Assert.Equal(HttpStatusCode.OK, (await proxy.CreateClient().GetAsync(proxy.UrlFor("two", "/echo"))).StatusCode);
    }

    [Fact]
    public async Task EditorWritesANewFileAndRenamesIt_Reloads()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        using var watcher = new ConfigFileWatcher(proxy.ConfigPath, proxy.Server.Reloader!, TimeProvider.System);

        var temporary = proxy.ConfigPath + ".swp";
        await File.WriteAllTextAsync(temporary, TestProxy.ConfigYaml(proxy.Pki, $"two: http://127.0.0.1:{upstream.Port}"));
        File.Move(temporary, proxy.ConfigPath, overwrite: true);

        var reloaded = await proxy.Logs.WaitForMessageAsync("config reloaded");
        Assert.Equal("file change", reloaded.Fields["trigger"]);
        Assert.Equal("two", reloaded.Fields["routes_added"]);
    }

    [Fact]
    public async Task SameBytesRewritten_DoNotReload_AndABrokenFileIsTriedOnce()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        var time = new FakeTimeProvider();
        using var watcher = new ConfigFileWatcher(proxy.ConfigPath, proxy.Server.Reloader!, time);

        await File.WriteAllBytesAsync(proxy.ConfigPath, await File.ReadAllBytesAsync(proxy.ConfigPath));
        Assert.False(watcher.Check());

        await File.WriteAllTextAsync(proxy.ConfigPath, "routes: [");
        Assert.True(watcher.Check());
        Assert.False(watcher.Check()); // the same broken bytes are not retried on every poll
        Assert.Single(proxy.Logs.Entries, e => e.Message == "config reload failed, keeping the running configuration");
    }

    [Fact]
    public async Task NoEvent_ThePollFindsTheChange()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        var time = new FakeTimeProvider();
        var directory = Directory.CreateTempSubdirectory("mcptunnel-watch-").FullName;
        try
        {
            // A path whose directory does not exist yet: no directory watch, so only the poll can see the file appear.
            var path = Path.Combine(directory, "later", "config.yaml");
            using var watcher = new ConfigFileWatcher(path, new ConfigReloaderProbe(proxy).Reloader(path), time);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, TestProxy.ConfigYaml(proxy.Pki, $"two: http://127.0.0.1:{upstream.Port}"));

            time.Advance(ConfigFileWatcher.PollInterval);

            await proxy.Logs.WaitForMessageAsync("config reloaded");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>A reloader on the test proxy's running configuration that reads another path.</summary>
    private sealed class ConfigReloaderProbe(TestProxy proxy)
    {
        public ConfigReloader Reloader(string path) => new(
            proxy.Server.Running, path, null, proxy.Server.Logger, TimeProvider.System,
            new McpTunnel.Proxy.Policy.PolicyLimiters(TimeProvider.System), new McpTunnel.Proxy.Logging.LogLevelSwitch(McpTunnel.Proxy.Configuration.LogLevelSetting.Debug), null, null, CancellationToken.None);
    }

    /// <summary>A ConfigMap volume as the kubelet lays it out: config.yaml → ..data/config.yaml, ..data → ..&lt;version&gt;.</summary>
    private sealed class ConfigMapMount
    {
        private readonly string _root;
        private int _version;

        private ConfigMapMount(string root) => _root = root;

        public string ConfigPath => Path.Combine(_root, "config.yaml");

        public static ConfigMapMount Create(TestProxy proxy, string yaml)
        {
            var mount = new ConfigMapMount(Directory.CreateDirectory(Path.Combine(proxy.Pki.Directory, "configmap")).FullName);
            mount.Publish(yaml);
            File.CreateSymbolicLink(mount.ConfigPath, Path.Combine("..data", "config.yaml"));
            File.Copy(mount.ConfigPath, proxy.ConfigPath, overwrite: true); // same bytes: the proxy runs this content
            return mount;
        }

        /// <summary>A new version directory, then the ..data symlink replaced by a rename, as the kubelet's atomic writer does.</summary>
        public void Publish(string yaml)
        {
            var version = $"..2026_12_07_00_00_0{++_version}";
            Directory.CreateDirectory(Path.Combine(_root, version));
            File.WriteAllText(Path.Combine(_root, version, "config.yaml"), yaml);
            var temporary = Path.Combine(_root, "..data_tmp");
            File.CreateSymbolicLink(temporary, version);
            // rename(2) of the link itself onto the old link (File.Move follows a link to a directory and refuses).
            using var rename = System.Diagnostics.Process.Start("mv", ["-T", "-f", temporary, Path.Combine(_root, "..data")])!;
            rename.WaitForExit();
            Assert.Equal(0, rename.ExitCode);
        }
    }
}
