using McpTunnel.Deploy.Tests.Support;

namespace McpTunnel.Deploy.Tests.Helm;

/// <summary>
/// gateway.reload: by default a config change rolls the pods (checksum annotation) and the proxy runs without a watch,
/// as before; watch adds -watch-config, and with rollOnChange off an edited ConfigMap changes nothing in the pod
/// template, so Kubernetes does not roll it and the proxy reloads the mounted directory itself.
/// </summary>
public class ConfigReloadChartTests
{
    private static string? PodAnnotation(Manifests m, string key) =>
        m.Get("Deployment", "mcp-tunnel").At("spec.template").Annotation(key);

    [Fact]
    public void Defaults_RollOnChangeAndNoWatch()
    {
        var chart = ChartRenderer.RenderScenario("managed");
        Assert.NotNull(PodAnnotation(chart, "checksum/config"));
        Assert.DoesNotContain("-watch-config", Containers.Proxy(chart).Strings("args"));
    }

    [Fact]
    public void WatchWithoutRollOnChange_EditedRoutesLeaveThePodTemplateAlone()
    {
        string[] reload = ["--set", "gateway.reload.watch=true", "--set", "gateway.reload.rollOnChange=false"];
        var before = ChartRenderer.RenderScenario("managed", reload);
        var after = ChartRenderer.RenderScenario("managed", [.. reload, "--set", "gateway.config.routes.extra=http://extra:8080"]);

        Assert.Equal(["-config", "/etc/mcp-gateway/config.yaml", "-watch-config", "-tunnel-domain", "$(TUNNEL_DOMAIN)"], Containers.Proxy(after).Strings("args"));
        Assert.Null(PodAnnotation(after, "checksum/config"));
        Assert.Equal(
            before.Get("Deployment", "mcp-tunnel").At("spec.template")!.ToJsonString(),
            after.Get("Deployment", "mcp-tunnel").At("spec.template")!.ToJsonString());
        Assert.Contains("extra", after.Get("ConfigMap", "mcp-tunnel").Obj("data")["config.yaml"]!.ToString(), StringComparison.Ordinal);

        // The ConfigMap is mounted as a directory: a subPath mount never receives updates.
        var mount = Containers.Proxy(after).Arr("volumeMounts").Named("config");
        Assert.Equal("/etc/mcp-gateway", mount.Str("mountPath"));
        Assert.Null(mount.Str("subPath"));
    }

    [Fact]
    public void WatchAndRollOnChange_BothApply()
    {
        var chart = ChartRenderer.RenderScenario("managed", "--set", "gateway.reload.watch=true");
        Assert.Contains("-watch-config", Containers.Proxy(chart).Strings("args"));
        Assert.NotNull(PodAnnotation(chart, "checksum/config"));
    }
}
