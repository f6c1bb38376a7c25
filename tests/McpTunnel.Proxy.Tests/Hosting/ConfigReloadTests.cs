using System.Net;
using McpTunnel.Proxy.Tests.Infrastructure;

namespace McpTunnel.Proxy.Tests.Hosting;

/// <summary>
/// Reloading the config file into a running proxy through real tunnels: validated in full before anything changes,
/// swapped whole, restart-only keys refusing the whole reload, streams in flight kept on the configuration they began
/// with, and what changed logged and counted.
/// </summary>
public sealed class ConfigReloadTests
{
    private const string Egress = "upstream:\n  allowed_ips: [127.0.0.0/8]\n";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Reload_AddsAndRemovesRoutes_NewRequestsUseTheNewTable(bool http2)
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        var client = proxy.CreateClient(http2);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(proxy.UrlFor("echo", "/echo"))).StatusCode);

        var outcome = proxy.Reload($"two: http://127.0.0.1:{upstream.Port}");

        Assert.True(outcome.Applied);
        using var removed = await client.GetAsync(proxy.UrlFor("echo", "/echo"));
        Assert.Equal(HttpStatusCode.BadGateway, removed.StatusCode);
        Assert.Equal("No route configured for host", await removed.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await proxy.CreateClient(http2).GetAsync(proxy.UrlFor("two", "/echo"))).StatusCode);
        var line = await proxy.Logs.WaitForMessageAsync("config reloaded");
        Assert.Equal("two", line.Fields["routes_added"]);
        Assert.Equal("echo", line.Fields["routes_removed"]);
        Assert.Equal("test", line.Fields["trigger"]);
        Assert.Equal("kept", line.Fields["upstream_pool"]); // no upstream taken away, same egress: warm connections stay
    }

    [Fact]
    public async Task Reload_InvalidFile_KeepsTheRunningConfigAndLogsEveryErrorWithFieldAndFix()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        var client = proxy.CreateClient();

        var outcome = proxy.Reload($"echo: ftp://127.0.0.1:{upstream.Port}\nother: http://nohost", "upstream:\n  allowed_ips: [not-a-cidr]\n");

        Assert.False(outcome.Applied);
        Assert.True(outcome.Errors.Count >= 3, string.Join("\n", outcome.Errors));
        var failed = await proxy.Logs.WaitForMessageAsync("config reload failed, keeping the running configuration");
        Assert.Equal(outcome.Errors.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), failed.Fields["errors"]);
        var lines = proxy.Logs.Entries.Where(e => e.Message == "config reload error").ToList();
        Assert.Equal(outcome.Errors.Count, lines.Count);
        Assert.Contains(lines, l => l.Fields["field"] == "routes.echo");
        Assert.Contains(lines, l => l.Fields["field"].StartsWith("upstream.allowed_ips", StringComparison.Ordinal) && l.Fields["fix"].Length > 0);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(proxy.UrlFor("echo", "/echo"))).StatusCode);
        Assert.False(proxy.Logs.Contains("config reloaded"));
    }

    [Fact]
    public async Task Reload_RestartOnlyKeyChanged_RefusesTheWholeReloadNamingTheKey()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        var routes = $"echo: http://127.0.0.1:{upstream.Port}\ntwo: http://127.0.0.1:{upstream.Port}";

        var outcome = proxy.Reload(routes, Egress + "limits:\n  max_tunnels: 5\nlog_format: json\n");

        Assert.False(outcome.Applied);
        Assert.Equal(["log_format", "limits.max_tunnels"], outcome.Errors.Select(e => e.Field));
        Assert.All(outcome.Errors, e => Assert.StartsWith("restart the proxy to apply it", e.Fix, StringComparison.Ordinal));
        Assert.Contains("changed from \"10000\" to \"5\"", outcome.Errors[1].Message, StringComparison.Ordinal);
        using var notAdded = await proxy.CreateClient().GetAsync(proxy.UrlFor("two", "/echo"));
        Assert.Equal(HttpStatusCode.BadGateway, notAdded.StatusCode); // none of the edit applied, not even the new route

        Assert.True(proxy.Reload(routes).Applied); // the same edit without the restart-only keys goes through
        Assert.Equal(HttpStatusCode.OK, (await proxy.CreateClient().GetAsync(proxy.UrlFor("two", "/echo"))).StatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SseStreamInFlight_KeepsItsConfigurationWhenItsRouteIsRemovedAndItsPoolRetired(bool http2)
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        var client = proxy.CreateClient(http2);
        using var response = await client.GetAsync(proxy.UrlFor("echo", "/sse"), HttpCompletionOption.ResponseHeadersRead);
        var first = proxy.Server.Running.Current;

        // The route goes and the egress policy changes: new requests need a new pool, the stream keeps the old one.
        Assert.True(proxy.Reload($"two: http://127.0.0.1:{upstream.Port}", "upstream:\n  allowed_ips: [127.0.0.1/32]\n").Applied);
        Assert.NotSame(first.Pool, proxy.Server.Running.Current.Pool);
        Assert.False(first.Pool.IsDisposed);

        await upstream.AssertSseEventsArriveOneByOneAsync(response);
        await WaitUntilAsync(() => first.Pool.IsDisposed); // the old pool goes with the last request that held it
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(proxy.UrlFor("two", "/echo"))).StatusCode);
    }

    [Fact]
    public async Task Reload_LogLevel_AppliesToTheProxysOwnLines()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream); // log_level: debug
        var client = proxy.CreateClient();
        await client.GetAsync(proxy.UrlFor("echo", "/echo"));
        Assert.True(proxy.Logs.Contains("request finished")); // Debug

        var text = await File.ReadAllTextAsync(proxy.ConfigPath);
        await File.WriteAllTextAsync(proxy.ConfigPath, text.Replace("log_level: debug", "log_level: warn", StringComparison.Ordinal));
        Assert.True(proxy.Server.ReloadConfig("test")!.Applied);
        var before = proxy.Logs.Entries.Count(e => e.Message is "request started" or "request finished");
        await client.GetAsync(proxy.UrlFor("echo", "/echo"));
        await client.GetAsync(proxy.UrlFor("nope", "/echo")); // "no route for host" is a warning: still written

        await proxy.Logs.WaitForMessageAsync("no route for host");
        Assert.Equal(before, proxy.Logs.Entries.Count(e => e.Message is "request started" or "request finished"));
    }

    [Fact]
    public async Task Reload_Metrics_CountResultsAndShowTheRunningHash()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream, Egress + "admin_addr: \"127.0.0.1:0\"\n");
        var hash = McpTunnel.Proxy.Configuration.ConfigHash.Of(await File.ReadAllBytesAsync(proxy.ConfigPath));
        var metrics = await AdminScrape.MetricsAsync(proxy);
        Assert.Equal(1, AdminScrape.Value(metrics, $"mcptunnel_config_info{{hash=\"{hash}\"}}"));
        Assert.Equal(0, AdminScrape.Value(metrics, "mcptunnel_config_reloads_total{result=\"success\"}"));

        Assert.False(proxy.Reload("echo: nonsense", Egress + "admin_addr: \"127.0.0.1:0\"\n").Applied);
        Assert.True(proxy.Reload($"two: http://127.0.0.1:{upstream.Port}", Egress + "admin_addr: \"127.0.0.1:0\"\n").Applied);

        var newHash = McpTunnel.Proxy.Configuration.ConfigHash.Of(await File.ReadAllBytesAsync(proxy.ConfigPath));
        metrics = await AdminScrape.MetricsAsync(proxy);
        Assert.Equal(1, AdminScrape.Value(metrics, "mcptunnel_config_reloads_total{result=\"failure\"}"));
        Assert.Equal(1, AdminScrape.Value(metrics, "mcptunnel_config_reloads_total{result=\"success\"}"));
        Assert.Equal(1, AdminScrape.Value(metrics, $"mcptunnel_config_info{{hash=\"{newHash}\"}}"));
        Assert.Null(AdminScrape.Value(metrics, $"mcptunnel_config_info{{hash=\"{hash}\"}}"));
        Assert.Equal(1, AdminScrape.Value(metrics, "mcptunnel_config_last_reload_successful"));
        Assert.Equal(200, (await AdminScrape.GetAsync(proxy, "/readyz")).Status);
    }

    [Fact]
    public async Task FailedReload_LeavesReadinessReady()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream, Egress + "admin_addr: \"127.0.0.1:0\"\n");

        Assert.False(proxy.Reload("echo: [", Egress).Applied);

        Assert.Equal(200, (await AdminScrape.GetAsync(proxy, "/readyz")).Status);
        Assert.Equal(0, AdminScrape.Value(await AdminScrape.MetricsAsync(proxy), "mcptunnel_config_last_reload_successful"));
    }

    [Fact]
    public async Task ReloadRacingShutdown_IsRefusedOnceStoppingAndNothingLeaks()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        var routes = $"two: http://127.0.0.1:{upstream.Port}";
        var first = proxy.Server.Running.Current;

        var reloads = Task.Run(() =>
        {
            for (var i = 0; i < 50; i++)
            {
                proxy.Reload(i % 2 == 0 ? routes : $"echo: http://127.0.0.1:{upstream.Port}", i % 4 < 2 ? Egress : "upstream:\n  allowed_ips: [127.0.0.1/32]\n");
            }
        });
        var cut = await proxy.Server.StopAsync();
        await reloads;

        Assert.Equal(0, cut);
        Assert.False(proxy.Server.ReloadConfig("test")!.Applied);
        Assert.True(proxy.Logs.Contains("config reload skipped: proxy is shutting down"));
        Assert.True(first.IsRetired || proxy.Server.Running.Current == first);
    }

    [Fact]
    public async Task ReloadDuringTheDrain_IsSkipped_AndTheStreamInFlightFinishesOnItsConfiguration()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartAsync($"echo: http://127.0.0.1:{upstream.Port}", shutdownTimeout: "30s");
        using var response = await proxy.CreateClient(http2: true).GetAsync(proxy.UrlFor("echo", "/sse"), HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var first = proxy.Server.Running.Current;

        var stopping = proxy.Server.StopAsync(); // the drain has begun when this returns (stopping is signalled first)
        var outcome = proxy.Reload($"two: http://127.0.0.1:{upstream.Port}", "upstream:\n  allowed_ips: [127.0.0.1/32]\n");

        Assert.False(outcome.Applied);
        Assert.Same(first, proxy.Server.Running.Current);
        Assert.True(proxy.Logs.Contains("config reload skipped: proxy is shutting down"));
        Assert.False(first.Pool.IsDisposed); // the stream still runs on it
        await upstream.SseEvents.Writer.WriteAsync("during-the-drain");
        Assert.Equal("data: during-the-drain", await reader.ReadLineAsync(timeout.Token));
        Assert.False(stopping.IsCompleted);
        await upstream.SseEvents.Writer.WriteAsync("END");
        while (await reader.ReadLineAsync(timeout.Token) is not null)
        {
        }

        Assert.Equal(0, await stopping.WaitAsync(timeout.Token)); // drained, nothing cut
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!condition())
        {
            await Task.Delay(20, deadline.Token);
        }
    }
}
