using McpTunnel.Deploy.Tests.Support;

namespace McpTunnel.Deploy.Tests.Helm;

/// <summary>NetworkPolicy values: ingress denied by default, egress restriction opt-in.</summary>
public class NetworkPolicyTests
{
    [Fact]
    public void NetworkPolicy_Default_DeniesIngressToTheTunnelPodsOnly()
    {
        var m = ChartRenderer.RenderScenario("managed");
        var np = m.Get("NetworkPolicy", "mcp-tunnel");
        Assert.Equal(["Ingress"], np.Strings("spec.policyTypes"));
        Assert.Empty(np.Arr("spec.ingress"));

        var selector = np.Obj("spec.podSelector.matchLabels");
        var podLabels = m.Get("Deployment", "mcp-tunnel").Obj("spec.template.metadata.labels");
        var setupLabels = m.Get("Job", "mcp-tunnel-setup").Obj("spec.template.metadata.labels");
        Assert.All(selector, kv => Assert.Equal(kv.Value!.ToString(), podLabels.Val(kv.Key)));
        Assert.Contains(selector, kv => setupLabels.Val(kv.Key) != kv.Value!.ToString());
    }

    [Fact]
    public void NetworkPolicy_Disabled_IsNotRendered()
    {
        var m = ChartRenderer.RenderScenario("managed", "--set", "networkPolicy.ingress.enabled=false");
        Assert.False(m.Has("NetworkPolicy"));
    }

    [Fact]
    public void NetworkPolicy_Egress_AllowsDnsEdgeAndMcpServersOnly()
    {
        var np = ChartRenderer.RenderScenario("egress").Get("NetworkPolicy", "mcp-tunnel");
        Assert.Equal(["Ingress", "Egress"], np.Strings("spec.policyTypes"));
        var egress = np.Arr("spec.egress");

        Assert.Contains(egress, r => r!.Arr("ports").Any(p => p.Str("port") == "53"));

        var edge = Assert.Single(egress, r => r!.At("ports") is not null && r.Arr("ports").Any(p => p.Str("port") == "7844"));
        Assert.Equal(["198.41.192.0/19", "2606:4700:a0::/44"], edge!.Arr("to").Select(t => t.Str("ipBlock.cidr")!).ToList());
        Assert.Equal(["TCP", "UDP"], edge.Arr("ports").Select(p => p.Str("protocol")!).Order().ToList());

        var hello = Assert.Single(egress, r => r!.Arr("to")[0].At("podSelector") is not null && r.Arr("to")[0].Str("podSelector.matchLabels.app") == "hello-mcp");
        Assert.Equal("9000", hello!.Arr("ports")[0].Str("port"));
        Assert.Null(hello.Arr("to")[0].At("ports"));
        Assert.Contains(egress, r => r!.Arr("to")[0].Str("ipBlock.cidr") == "10.20.0.0/16");
        Assert.Equal(4, egress.Count);
    }

    [Fact]
    public void NetworkPolicy_MetricsFrom_OpensOnlyTheAdminPortToTheListedScrapers()
    {
        var np = ChartRenderer.RenderScenario("managed",
            "--set", "networkPolicy.ingress.metricsFrom[0].namespaceSelector.matchLabels.name=monitoring").Get("NetworkPolicy", "mcp-tunnel");

        var rule = Assert.Single(np.Arr("spec.ingress"));
        Assert.Equal("monitoring", rule!.Arr("from")[0].Str("namespaceSelector.matchLabels.name"));
        var port = Assert.Single(rule.Arr("ports"));
        Assert.Equal("9090", port!.Str("port"));
        Assert.Equal("TCP", port.Str("protocol"));
    }
}
