using McpTunnel.Deploy.Tests.Support;

namespace McpTunnel.Deploy.Tests.Helm;

/// <summary>External mode (setup.enabled=false): no API calls, tunnel_domain required, Secrets named by values with fixed keys.</summary>
public class ExternalModeTests
{
    private static readonly Manifests Chart = ChartRenderer.RenderScenario("external");

    [Fact]
    public void Render_ExternalMode_HasNoSetupJobCronJobOrRbac()
    {
        Chart.Get("Deployment", "mcp-tunnel");
        Chart.Get("ConfigMap", "mcp-tunnel");
        foreach (var kind in new[] { "Job", "CronJob", "ServiceAccount", "Role", "RoleBinding", "Secret" })
        {
            Assert.False(Chart.Has(kind), kind + " rendered in external mode");
        }

        Assert.All(Chart.Documents, d => Assert.Null(d.Annotation("helm.sh/hook")));
    }

    [Fact]
    public void Deployment_ExternalMode_ReadsTheNamedSecretsWithFixedKeys()
    {
        var token = Containers.Cloudflared(Chart).Arr("env").Named("TUNNEL_TOKEN");
        Assert.Equal("mcp-tunnel-token", token.Str("valueFrom.secretKeyRef.name"));
        Assert.Equal("tunnel-token", token.Str("valueFrom.secretKeyRef.key"));

        var tls = Containers.TlsVolume(Chart);
        Assert.Equal("mcp-tunnel-cert", tls.Str("secret.secretName"));
        Assert.Equal(["tls.crt", "tls.key"], tls.Arr("secret.items").Select(i => i.Str("key")!).ToList());
    }

    [Fact]
    public void Deployment_ExternalMode_TakesTunnelDomainFromConfigNotAFlag()
    {
        Assert.Equal(["-config", "/etc/mcp-gateway/config.yaml"], Containers.Proxy(Chart).Strings("args"));
        Assert.Null(Containers.Proxy(Chart).At("env"));
        Assert.Equal("abcd1234.tunnel.anthropic.com", Containers.ConfigYaml(Chart).Str("tunnel_domain"));
    }

    [Fact]
    public void Deployment_OtherSecretNames_AreUsed()
    {
        var m = ChartRenderer.RenderScenario("external", "--set", "external.tunnelTokenSecretName=tok", "--set", "external.serverCertSecretName=crt");
        Assert.Equal("tok", Containers.Cloudflared(m).Arr("env").Named("TUNNEL_TOKEN").Str("valueFrom.secretKeyRef.name"));
        Assert.Equal("crt", Containers.TlsVolume(m).Str("secret.secretName"));
    }
}
