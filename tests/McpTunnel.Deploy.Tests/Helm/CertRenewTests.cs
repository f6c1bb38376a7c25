using McpTunnel.Deploy.Tests.Support;

namespace McpTunnel.Deploy.Tests.Helm;

/// <summary>The daily cert-renew CronJob: local signing with the stored CA, no API calls.</summary>
public class CertRenewTests
{
    private static readonly Manifests Chart = ChartRenderer.RenderScenario("managed");

    [Fact]
    public void CertRenew_Default_RunsRenewCertDailyAgainstTheReleaseSecret()
    {
        var cron = Chart.Get("CronJob", "mcp-tunnel-cert-renew");
        Assert.Equal("0 0 * * *", cron.Str("spec.schedule"));
        Assert.Equal("Etc/UTC", cron.Str("spec.timeZone"));
        Assert.Equal("Forbid", cron.Str("spec.concurrencyPolicy"));
        Assert.Null(cron.Annotation("helm.sh/hook"));

        var pod = cron.At("spec.jobTemplate.spec.template.spec");
        Assert.Equal("mcp-tunnel-cert-renew", pod.Str("serviceAccountName"));
        var container = Assert.Single(pod.Arr("containers"));
        Assert.Equal(["/setup"], container.Strings("command"));
        Assert.Equal(["renew-cert", "--output=k8s-secret:mcp-tunnel", "--renew-before=720h", "--cert-duration=2160h"], container.Strings("args"));
        Assert.DoesNotContain(container.Arr("env"), e => e.Str("name")!.StartsWith("ANTHROPIC_", StringComparison.Ordinal));
    }

    [Fact]
    public void CertRenew_ScheduleAndWindow_ComeFromValues()
    {
        var m = ChartRenderer.RenderScenario("managed", "--set", "serverCert.cronSchedule=30 3 * * 1", "--set", "serverCert.renewBefore=240h");
        var cron = m.Get("CronJob", "mcp-tunnel-cert-renew");
        Assert.Equal("30 3 * * 1", cron.Str("spec.schedule"));
        Assert.Contains("--renew-before=240h", cron.Arr("spec.jobTemplate.spec.template.spec.containers")[0].Strings("args"));
    }

    [Fact]
    public void CertRenewRole_OnlyGetsAndUpdatesTheReleaseSecret()
    {
        var rule = Assert.Single(Chart.Get("Role", "mcp-tunnel-cert-renew").Arr("rules"));
        Assert.Equal(["secrets"], rule.Strings("resources"));
        Assert.Equal(["mcp-tunnel"], rule.Strings("resourceNames"));
        Assert.Equal(["get", "update", "patch"], rule.Strings("verbs"));
        SetupHookTests.AssertBinds(Chart, "mcp-tunnel-cert-renew", "mcp-tunnel-cert-renew");
    }
}
