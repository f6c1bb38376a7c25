using McpTunnel.Deploy.Tests.Support;

namespace McpTunnel.Deploy.Tests.Helm;

/// <summary>gateway.config pass-through and the paths the proxy container sees.</summary>
public class ProxyConfigTests
{
    [Theory]
    [InlineData("managed")]
    [InlineData("external")]
    public void Config_PassesValuesThroughAndForcesListenerAndTlsPaths(string scenario)
    {
        var m = ChartRenderer.RenderScenario(scenario,
            "--set", "gateway.config.listen_addr=:9999", "--set", "gateway.config.tls.cert_file=/elsewhere.crt", "--set", "gateway.config.log_level=debug");
        var config = Containers.ConfigYaml(m);
        Assert.Equal(":8080", config.Str("listen_addr"));
        Assert.Equal("/data/tls.crt", config.Str("tls.cert_file"));
        Assert.Equal("/data/tls.key", config.Str("tls.key_file"));
        Assert.Equal("debug", config.Str("log_level"));
        Assert.Equal("http://hello-mcp.default.svc.cluster.local:9000", config.Str("routes.echo"));
    }

    [Fact]
    public void Config_UpstreamSettings_PassThrough()
    {
        var config = Containers.ConfigYaml(ChartRenderer.RenderScenario("external"));
        Assert.Equal(["10.0.0.0/8"], config.Strings("upstream.allowed_ips"));
    }

    [Fact]
    public void Config_UpstreamHostHeader_PassesThroughBesideTheFlatRoutesMap()
    {
        var config = Containers.ConfigYaml(ChartRenderer.RenderScenario("external", "--set", "gateway.config.upstream.host_header.echo=upstream"));
        Assert.Equal("upstream", config.Str("upstream.host_header.echo"));
        Assert.Equal("http://hello-mcp.default.svc.cluster.local:9000", config.Str("routes.echo"));
    }

    [Theory]
    [InlineData("managed")]
    [InlineData("external")]
    public void Deployment_Mounts_LineUpWithTheConfig(string scenario)
    {
        var m = ChartRenderer.RenderScenario(scenario);
        var proxy = Containers.Proxy(m);
        var pod = Containers.Pod(m);
        var mounts = proxy.Arr("volumeMounts");

        // -config names a file inside the ConfigMap volume, under the key the ConfigMap holds.
        var configPath = proxy.Strings("args")[1];
        var configMount = mounts.Named("config");
        Assert.Equal(Path.GetDirectoryName(configPath), configMount.Str("mountPath"));
        Assert.Equal(m.OfKind("ConfigMap").Single().Str("metadata.name"), pod.Arr("volumes").Named("config").Str("configMap.name"));
        Assert.NotNull(m.OfKind("ConfigMap").Single().Obj("data")[Path.GetFileName(configPath)]);

        // tls.cert_file / key_file lie in the Secret volume's mount, as files the volume projects.
        var config = Containers.ConfigYaml(m);
        var tlsMount = mounts.Named("tls");
        var items = Containers.TlsVolume(m).Arr("secret.items").Select(i => i.Str("path")).ToList();
        foreach (var file in new[] { config.Str("tls.cert_file")!, config.Str("tls.key_file")! })
        {
            Assert.Equal(tlsMount.Str("mountPath"), Path.GetDirectoryName(file));
            Assert.Contains(Path.GetFileName(file), items);
        }

        Assert.All(mounts, mount => Assert.Equal("true", mount.Str("readOnly")));
    }

    [Theory]
    [InlineData("managed")]
    [InlineData("external")]
    [InlineData("egress")]
    public void Render_NoContainer_UsesSubPath(string scenario)
    {
        foreach (var (owner, pod) in ChartRenderer.RenderScenario(scenario).PodSpecs())
        {
            foreach (var container in pod.Arr("containers"))
            {
                Assert.All(container.At("volumeMounts") as System.Text.Json.Nodes.JsonArray ?? [],
                    mount => Assert.True(mount!.At("subPath") is null, $"{owner} {container.Str("name")}: subPath blocks Secret updates"));
            }
        }
    }
}
