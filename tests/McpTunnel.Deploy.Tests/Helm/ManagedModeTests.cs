using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using McpTunnel.Deploy.Tests.Support;

namespace McpTunnel.Deploy.Tests.Helm;

/// <summary>Managed mode (setup.enabled=true): the documented objects, -tunnel-domain and credentials from the release Secret, pods rolled on config or token-version changes.</summary>
public class ManagedModeTests
{
    private static readonly Manifests Chart = ChartRenderer.RenderScenario("managed");

    [Fact]
    public void Render_ManagedMode_CreatesTheDocumentedObjects()
    {
        Chart.Get("Deployment", "mcp-tunnel");
        Chart.Get("ConfigMap", "mcp-tunnel");
        Chart.Get("NetworkPolicy", "mcp-tunnel");
        Chart.Get("Job", "mcp-tunnel-setup");
        Chart.Get("ServiceAccount", "mcp-tunnel-setup");
        Chart.Get("CronJob", "mcp-tunnel-cert-renew");
        Chart.Get("ServiceAccount", "mcp-tunnel-cert-renew");
        Assert.Single(Chart.OfKind("Deployment"));
        Assert.False(Chart.Has("Secret"), "setup writes the Secret; the chart must not own it");
        Assert.False(Chart.Has("PodDisruptionBudget"), "one replica: no PDB");
    }

    [Fact]
    public void Deployment_ManagedMode_PassesTunnelDomainFromTheSecret()
    {
        var proxy = Containers.Proxy(Chart);
        Assert.Equal(["-config", "/etc/mcp-gateway/config.yaml", "-tunnel-domain", "$(TUNNEL_DOMAIN)"], proxy.Strings("args"));
        var env = proxy.Arr("env").Named("TUNNEL_DOMAIN");
        Assert.Equal("mcp-tunnel", env.Str("valueFrom.secretKeyRef.name"));
        Assert.Equal("tunnel-domain", env.Str("valueFrom.secretKeyRef.key"));
        Assert.Null(Containers.ConfigYaml(Chart).At("tunnel_domain"));
    }

    [Fact]
    public void Deployment_ManagedMode_ReadsTokenAndCertificateFromTheReleaseSecret()
    {
        var token = Containers.Cloudflared(Chart).Arr("env").Named("TUNNEL_TOKEN");
        Assert.Equal("mcp-tunnel", token.Str("valueFrom.secretKeyRef.name"));
        Assert.Equal("tunnel-token", token.Str("valueFrom.secretKeyRef.key"));
        Assert.Equal("mcp-tunnel", Containers.TlsVolume(Chart).Str("secret.secretName"));
    }

    [Fact]
    public void Deployment_PodTemplate_CarriesConfigChecksumAndTokenVersion()
    {
        var template = Chart.Get("Deployment", "mcp-tunnel").At("spec.template");
        var text = Chart.Get("ConfigMap", "mcp-tunnel").Obj("data")["config.yaml"]!.ToString();
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.TrimEnd('\n'))));
        Assert.Equal(expected, template.Annotation("checksum/config"));
        Assert.Equal("1", template.Annotation("mcp-tunnel/token-version"));
    }

    [Fact]
    public void Deployment_ChangedRoutesOrTokenVersion_ChangesThePodTemplate()
    {
        static string PodAnnotation(Manifests m, string key) =>
            m.Get("Deployment", "mcp-tunnel").At("spec.template").Annotation(key)!;

        var routes = ChartRenderer.RenderScenario("managed", "--set", "gateway.config.routes.extra=http://extra:8080");
        var rotated = ChartRenderer.RenderScenario("managed", "--set", "tunnel.tokenVersion=2");
        Assert.NotEqual(PodAnnotation(Chart, "checksum/config"), PodAnnotation(routes, "checksum/config"));
        Assert.Equal("2", PodAnnotation(rotated, "mcp-tunnel/token-version"));
        Assert.Contains("--token-version=2", rotated.Get("Job", "mcp-tunnel-setup").Arr("spec.template.spec.containers")[0].Strings("args"));
    }

    [Fact]
    public void Deployment_ProxyPod_HasNoKubernetesApiToken()
    {
        var pod = Chart.Get("Deployment", "mcp-tunnel").At("spec.template.spec");
        Assert.Equal("false", pod.Str("automountServiceAccountToken"));
    }
}

/// <summary>Shortcuts into the Deployment.</summary>
internal static class Containers
{
    public static JsonNode Proxy(Manifests m) => Pod(m).Arr("containers").Named("mcp-proxy");

    public static JsonNode Cloudflared(Manifests m) => Pod(m).Arr("containers").Named("cloudflared");

    public static JsonNode TlsVolume(Manifests m) => Pod(m).Arr("volumes").Named("tls");

    public static JsonNode Pod(Manifests m) => m.OfKind("Deployment").Single().At("spec.template.spec")!;

    /// <summary>The proxy's config.yaml from the ConfigMap, parsed as the proxy parses it (YamlDotNet).</summary>
    public static JsonNode ConfigYaml(Manifests m) =>
        Yaml.Parse(m.OfKind("ConfigMap").Single().Obj("data")["config.yaml"]!.ToString())!;
}
