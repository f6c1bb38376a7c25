using McpTunnel.Deploy.Tests.Support;

namespace McpTunnel.Deploy.Tests.Helm;

/// <summary>metrics.serviceMonitor: off by default; on, a Service for the admin port only and a ServiceMonitor scraping it.</summary>
public class ServiceMonitorTests
{
    [Fact]
    public void Default_RendersNoServiceAndNoServiceMonitor()
    {
        var m = ChartRenderer.RenderScenario("managed");

        Assert.False(m.Has("ServiceMonitor"));
        Assert.False(m.Has("Service"));
    }

    [Fact]
    public void Enabled_ScrapesMetricsOnTheAdminPortThroughAServiceThatExposesNothingElse()
    {
        var m = ChartRenderer.RenderScenario("managed",
            "--set", "metrics.serviceMonitor.enabled=true", "--set", "metrics.serviceMonitor.labels.release=kube-prometheus-stack");

        var service = m.Get("Service", "mcp-tunnel-metrics");
        var port = Assert.Single(service.Arr("spec.ports"));
        Assert.Equal("admin", port!.Str("targetPort"));
        Assert.Equal("9090", port.Str("port"));
        var podLabels = m.Get("Deployment", "mcp-tunnel").Obj("spec.template.metadata.labels");
        Assert.All(service.Obj("spec.selector"), kv => Assert.Equal(kv.Value!.ToString(), podLabels.Val(kv.Key)));

        var monitor = m.Get("ServiceMonitor", "mcp-tunnel");
        Assert.Equal("monitoring.coreos.com/v1", monitor.Str("apiVersion"));
        Assert.Equal("kube-prometheus-stack", monitor.Str("metadata.labels.release"));
        var endpoint = Assert.Single(monitor.Arr("spec.endpoints"));
        Assert.Equal("admin", endpoint!.Str("port"));
        Assert.Equal("/metrics", endpoint.Str("path"));
        var serviceLabels = service.Obj("metadata.labels");
        Assert.All(monitor.Obj("spec.selector.matchLabels"), kv => Assert.Equal(kv.Value!.ToString(), serviceLabels.Val(kv.Key)));
    }

    [Fact]
    public void EnabledWithoutTheAdminListener_FailsNamingTheFix()
    {
        var result = ChartRenderer.Render("-f", ChartRenderer.Scenario("managed"), "--set", "metrics.serviceMonitor.enabled=true", "--set", "admin.enabled=false");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("metrics.serviceMonitor.enabled needs admin.enabled", result.Stderr, StringComparison.Ordinal);
    }
}
