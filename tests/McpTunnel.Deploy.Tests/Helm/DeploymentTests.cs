using McpTunnel.Deploy.Tests.Support;

namespace McpTunnel.Deploy.Tests.Helm;

/// <summary>The one Deployment, its containers, probes (HTTP on the admin port, TCP without it) and hardening.</summary>
public class DeploymentTests
{
    [Theory]
    [InlineData("managed")]
    [InlineData("external")]
    public void Deployment_HasExactlyTheProxyAndCloudflaredContainers(string scenario)
    {
        var m = ChartRenderer.RenderScenario(scenario);
        Assert.Equal(["mcp-proxy", "cloudflared"], Containers.Pod(m).Arr("containers").Select(c => c.Str("name")!).ToList());
        Assert.Null(Containers.Pod(m).At("initContainers"));
    }

    [Fact]
    public void Cloudflared_RunsTheStockConnectorAgainstTheProxyListener()
    {
        var cf = Containers.Cloudflared(ChartRenderer.RenderScenario("managed"));
        Assert.StartsWith("cloudflare/cloudflared@sha256:", cf.Str("image"), StringComparison.Ordinal);
        var args = cf.Strings("args");
        Assert.Equal("tunnel", args[0]);
        Assert.Contains("--no-autoupdate", args);
        var run = args.ToList().IndexOf("run");
        Assert.True(run > 0);
        Assert.Equal(["--url", "http://localhost:8080"], args.Skip(run + 1).ToList());
        Assert.Equal("8080", Containers.Proxy(ChartRenderer.RenderScenario("managed")).Arr("ports").Named("tunnel").Str("containerPort"));
    }

    [Fact]
    public void Proxy_Probes_AreHttpOnTheAdminPort_LivenessHealthzReadinessReadyz()
    {
        var manifests = ChartRenderer.RenderScenario("managed");
        var proxy = Containers.Proxy(manifests);

        Assert.Equal("9090", proxy.Arr("ports").Named("admin").Str("containerPort"));
        Assert.Equal("/healthz", proxy.Str("livenessProbe.httpGet.path"));
        Assert.Equal("/readyz", proxy.Str("readinessProbe.httpGet.path"));
        foreach (var probe in new[] { "livenessProbe", "readinessProbe" })
        {
            Assert.Equal("admin", proxy.Str(probe + ".httpGet.port"));
            Assert.Null(proxy.At(probe + ".tcpSocket"));
        }

        // The probes only work if the proxy listens there: the chart sets admin_addr in the config it renders.
        Assert.Equal(":9090", Containers.ConfigYaml(manifests).Str("admin_addr"));
    }

    [Fact]
    public void Proxy_AdminDisabled_ProbesAreTcpOnTheTunnelPort_AndNoAdminAddr()
    {
        var manifests = ChartRenderer.RenderScenario("managed", "--set", "admin.enabled=false");
        var proxy = Containers.Proxy(manifests);

        foreach (var probe in new[] { "livenessProbe", "readinessProbe" })
        {
            Assert.Equal("tunnel", proxy.Str(probe + ".tcpSocket.port"));
            Assert.Null(proxy.At(probe + ".httpGet"));
        }

        Assert.DoesNotContain(proxy.Arr("ports"), p => p!.Str("name") == "admin");
        Assert.Null(Containers.ConfigYaml(manifests).At("admin_addr"));
    }

    [Fact]
    public void Proxy_ProbeGivenInValues_ReplacesTheChartsProbe()
    {
        var proxy = Containers.Proxy(ChartRenderer.RenderScenario("managed", "--set", "readinessProbe.exec.command[0]=/mcp-proxy", "--set", "readinessProbe.exec.command[1]=-healthcheck"));

        Assert.Equal(["/mcp-proxy", "-healthcheck"], proxy.Strings("readinessProbe.exec.command"));
        Assert.Null(proxy.At("readinessProbe.httpGet"));
        Assert.Equal("/healthz", proxy.Str("livenessProbe.httpGet.path"));
    }

    [Fact]
    public void Replicas_ComeFromValues_AndAddADisruptionBudget()
    {
        var m = ChartRenderer.RenderScenario("egress");
        Assert.Equal("3", m.Get("Deployment", "mcp-tunnel").Str("spec.replicas"));
        var pdb = m.Get("PodDisruptionBudget", "mcp-tunnel");
        Assert.Equal("1", pdb.Str("spec.maxUnavailable"));
    }

    [Fact]
    public void Images_DigestPinsTheProxyImageEverywhere()
    {
        var m = ChartRenderer.RenderScenario("egress");
        const string image = "registry.example.com/mcp-proxy@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        Assert.Equal(image, Containers.Proxy(m).Str("image"));
        Assert.Equal(image, m.Get("Job", "mcp-tunnel-setup").Arr("spec.template.spec.containers")[0].Str("image"));
        Assert.Equal(image, m.Get("CronJob", "mcp-tunnel-cert-renew").Arr("spec.jobTemplate.spec.template.spec.containers")[0].Str("image"));
    }

    [Theory]
    [InlineData("managed")]
    [InlineData("external")]
    [InlineData("egress")]
    public void EveryPod_RunsAsNonRoot65532WithReadOnlyRootAndNoCapabilities(string scenario)
    {
        foreach (var (owner, pod) in ChartRenderer.RenderScenario(scenario).PodSpecs())
        {
            Assert.True(pod.Str("securityContext.runAsNonRoot") == "true", owner);
            Assert.Equal("65532", pod.Str("securityContext.runAsUser"));
            Assert.Equal("65532", pod.Str("securityContext.runAsGroup"));
            Assert.Equal("RuntimeDefault", pod.Str("securityContext.seccompProfile.type"));
            foreach (var c in pod.Arr("containers"))
            {
                var what = owner + "/" + c.Str("name");
                Assert.True(c.Str("securityContext.readOnlyRootFilesystem") == "true", what);
                Assert.True(c.Str("securityContext.allowPrivilegeEscalation") == "false", what);
                Assert.Equal(["ALL"], c.Strings("securityContext.capabilities.drop"));
                Assert.Null(c.At("securityContext.privileged"));
                Assert.Null(c.At("securityContext.capabilities.add"));
            }
        }
    }

    [Fact]
    public void Names_FollowTheReleaseAndFullname()
    {
        var m = ChartRenderer.RenderScenarioAs("prod", "tunnels", "managed");
        m.Get("Deployment", "prod-mcp-tunnel");
        m.Get("Job", "prod-mcp-tunnel-setup");
        m.Get("CronJob", "prod-mcp-tunnel-cert-renew");
        Assert.Equal("prod-mcp-tunnel-setup", m.Get("Job", "prod-mcp-tunnel-setup").Str("spec.template.spec.serviceAccountName"));
        // The Secret is named after the release.
        Assert.Equal(["prod"], m.Get("Role", "prod-mcp-tunnel-setup").Arr("rules")[0].Strings("resourceNames"));
        Assert.Equal("prod", Containers.TlsVolume(m).Str("secret.secretName"));
        Assert.Equal("tunnels", m.Get("RoleBinding", "prod-mcp-tunnel-setup").Arr("subjects")[0].Str("namespace"));
    }
}
