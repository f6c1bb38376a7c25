using McpTunnel.Proxy.Tests.Infrastructure;

namespace McpTunnel.Proxy.Tests.Observability;

/// <summary>Kestrel's and the runtime's own meters, as the admin listener exports them.</summary>
public sealed class FrameworkMetersTests
{
    [Fact]
    public async Task OpenTunnel_ShowsAsOneEdgeAndOneInnerConnection_OnlyOnItsOwnProxy()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream, AdminListenerTests.WithAdmin);
        await using var bystander = await TestProxy.StartForUpstreamAsync(upstream, AdminListenerTests.WithAdmin);

        using var response = await proxy.CreateClient().GetAsync(proxy.UrlFor("echo", "/echo"));
        var metrics = await AdminScrape.MetricsAsync(proxy);
        var other = await AdminScrape.MetricsAsync(bystander);

        // The admin listener's own connection (this scrape) is not a tunnel server connection and is not counted.
        Assert.Equal(1, AdminScrape.Value(metrics, "kestrel_active_connections{listener=\"edge\"}"));
        Assert.Equal(1, AdminScrape.Value(metrics, "kestrel_active_connections{listener=\"inner\"}"));
        Assert.Equal(0, AdminScrape.Value(other, "kestrel_active_connections{listener=\"edge\"}"));
        Assert.Equal(0, AdminScrape.Value(other, "kestrel_active_connections{listener=\"inner\"}"));
        Assert.Equal(0, AdminScrape.Value(metrics, "kestrel_rejected_connections_total{listener=\"edge\"}"));
    }

    [Fact]
    public async Task ClosedTunnel_IsInTheConnectionDurationHistogram_AndNoLongerActive()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream, AdminListenerTests.WithAdmin);
        using (var client = proxy.CreateClient())
        {
            using var response = await client.GetAsync(proxy.UrlFor("echo", "/echo"));
        }

        await proxy.Logs.WaitForMessageAsync("tunnel closed");
        var metrics = await AdminScrape.WaitForMetricsAsync(proxy, m => AdminScrape.Value(m, "kestrel_active_connections{listener=\"edge\"}") == 0);

        Assert.Equal(0, AdminScrape.Value(metrics, "kestrel_active_connections{listener=\"inner\"}"));
        Assert.Equal(1, AdminScrape.Value(metrics, "kestrel_connection_duration_seconds_count{listener=\"inner\""));
        Assert.Equal(1, AdminScrape.Value(metrics, "kestrel_connection_duration_seconds_count{listener=\"edge\""));
    }

    [Fact]
    public async Task RuntimeFigures_AreExported_WithLiveValues()
    {
        await using var proxy = await TestProxy.StartAsync("echo: http://127.0.0.1:9", AdminListenerTests.WithAdmin);

        var metrics = await AdminScrape.MetricsAsync(proxy);

        Assert.True(AdminScrape.Value(metrics, "dotnet_thread_pool_threads") > 0, metrics);
        Assert.True(AdminScrape.Value(metrics, "dotnet_gc_heap_allocated_bytes_total") > 0, metrics);
        Assert.True(AdminScrape.Value(metrics, "dotnet_thread_pool_work_items_total") > 0, metrics);
        Assert.NotNull(AdminScrape.Value(metrics, "dotnet_thread_pool_queue_length"));
        Assert.NotNull(AdminScrape.Value(metrics, "dotnet_monitor_lock_contentions_total"));
        Assert.NotNull(AdminScrape.Value(metrics, "dotnet_gc_pause_seconds_total"));
        Assert.NotNull(AdminScrape.Value(metrics, "dotnet_exceptions_total"));
    }
}
