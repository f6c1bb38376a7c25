using McpTunnel.Common.Net;
using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Observability;
using McpTunnel.Proxy.Tests.Infrastructure;

namespace McpTunnel.Proxy.Tests.Observability;

public sealed class HealthCheckProbeTests
{
    [Fact]
    public async Task HealthCheck_AgainstAReadyProxy_ExitsZero_AndWithoutAdminAddr_ExitsOneNamingTheFix()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream, AdminListenerTests.WithAdmin);
        var admin = AdminScrape.AdminUri(proxy);
        var config = proxy.Server.Config with { AdminAddress = new ListenAddress("", admin.Port) }; // all interfaces → asked on loopback
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var ready = await HealthCheckProbe.RunAsync(config, "config.yaml", stdout, stderr);
        var missing = await HealthCheckProbe.RunAsync(proxy.Server.Config with { AdminAddress = null }, "config.yaml", stdout, stderr);

        Assert.Equal(0, ready);
        Assert.Contains($"http://127.0.0.1:{admin.Port}/readyz: ready", stdout.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, missing);
        Assert.Contains("sets no admin_addr (add e.g. admin_addr: \"127.0.0.1:9090\")", stderr.ToString(), StringComparison.Ordinal);
    }
}
