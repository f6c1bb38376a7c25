using System.Net;
using McpTunnel.Proxy.Hosting;
using McpTunnel.Proxy.Tests.Infrastructure;

namespace McpTunnel.Proxy.Tests.Hosting;

/// <summary>
/// The <c>mcp-proxy</c> process and SIGHUP: the signal reloads the file (a tunnel opened before it carries requests to
/// the new route), a bad file keeps the process and its routes, and the process then still drains on SIGTERM.
/// </summary>
public sealed class SighupReloadTests
{
    [Fact]
    public async Task Sighup_ReloadsTheFile_ABadFileKeepsTheProcessRunning()
    {
        await using var upstream = await TestUpstream.StartAsync();
        using var pki = new TestPki();
        await using var proxy = await TestProxyProcess.StartAsync(pki, $"echo: http://127.0.0.1:{upstream.Port}");
        using var client = proxy.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(proxy.UrlFor("echo", "/echo"))).StatusCode);

        proxy.WriteConfig($"two: http://127.0.0.1:{upstream.Port}");
        await proxy.SignalAsync("HUP");
        await proxy.WaitForLineAsync("msg=\"config reloaded\"");

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(proxy.UrlFor("two", "/echo"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadGateway, (await client.GetAsync(proxy.UrlFor("echo", "/echo"))).StatusCode);

        proxy.WriteConfig("two: not-a-url");
        await proxy.SignalAsync("HUP");
        await proxy.WaitForLineAsync("field=routes.two"); // the "config reload error" line, after the summary line
        Assert.Contains(proxy.Lines, l => l.Contains("msg=\"config reload failed, keeping the running configuration\"", StringComparison.Ordinal));
        Assert.Contains(proxy.Lines, l => l.Contains("msg=\"config reload error\"", StringComparison.Ordinal) && l.Contains("field=routes.two", StringComparison.Ordinal));
        Assert.False(proxy.HasExited);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(proxy.UrlFor("two", "/echo"))).StatusCode);

        await proxy.SignalAsync("TERM");
        await proxy.WaitForExitAsync();
        Assert.Equal(0, proxy.ExitCode);
    }

    [Fact]
    public async Task WatchConfig_RealProcess_ReloadsAFileReplacedByRename_WithoutASignal()
    {
        await using var upstream = await TestUpstream.StartAsync();
        using var pki = new TestPki();
        await using var proxy = await TestProxyProcess.StartAsync(pki, $"echo: http://127.0.0.1:{upstream.Port}", "", "-watch-config");
        using var client = proxy.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(proxy.UrlFor("echo", "/echo"))).StatusCode);

        // What an editor does: write a new file beside the old one, then rename it over the old name.
        var written = proxy.ConfigFile + ".swp";
        await File.WriteAllTextAsync(written, proxy.ConfigText($"two: http://127.0.0.1:{upstream.Port}"));
        File.Move(written, proxy.ConfigFile, overwrite: true);
        var line = await proxy.WaitForLineAsync("msg=\"config reloaded\"");

        Assert.Contains("trigger=\"file change\"", line, StringComparison.Ordinal);
        Assert.Contains("routes_added=two", line, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(proxy.UrlFor("two", "/echo"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadGateway, (await client.GetAsync(proxy.UrlFor("echo", "/echo"))).StatusCode);
    }

    [Fact]
    public void WatchConfigFlag_IsParsedAndDocumented()
    {
        Assert.True(ProxyCommandLine.TryParse(["-watch-config", "-config", "/c.yaml"], out var commandLine, out _));
        Assert.True(commandLine.WatchConfig);
        Assert.True(ProxyCommandLine.TryParse(["-config", "/c.yaml"], out var plain, out _));
        Assert.False(plain.WatchConfig);
        Assert.Contains("-watch-config", ProxyCommandLine.Usage, StringComparison.Ordinal);
        Assert.Contains("SIGHUP reloads the config", ProxyCommandLine.Usage, StringComparison.Ordinal);
    }
}
