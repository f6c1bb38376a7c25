using System.Text.Json.Nodes;
using McpTunnel.Deploy.Tests.Support;

namespace McpTunnel.Deploy.Tests.Helm;

/// <summary>The setup pre-install hook, its identity and its RBAC.</summary>
public class SetupHookTests
{
    private static readonly Manifests Chart = ChartRenderer.RenderScenario("managed");

    private static JsonNode SetupContainer(Manifests m) =>
        m.Get("Job", "mcp-tunnel-setup").Arr("spec.template.spec.containers").Named("setup");

    [Fact]
    public void SetupJob_Default_IsPreInstallHookDeletedOnSuccess()
    {
        foreach (var (kind, name) in new[] { ("Job", "mcp-tunnel-setup"), ("ServiceAccount", "mcp-tunnel-setup"), ("Role", "mcp-tunnel-setup"), ("RoleBinding", "mcp-tunnel-setup") })
        {
            var doc = Chart.Get(kind, name);
            Assert.Equal("pre-install", doc.Annotation("helm.sh/hook"));
            Assert.Contains("hook-succeeded", doc.Annotation("helm.sh/hook-delete-policy")!.Split(','));
        }
    }

    [Fact]
    public void SetupJob_RbacHooks_RunBeforeTheJob()
    {
        static int Weight(Manifests m, string kind) =>
            int.Parse(m.Get(kind, "mcp-tunnel-setup").Annotation("helm.sh/hook-weight")!, System.Globalization.CultureInfo.InvariantCulture);

        var job = Weight(Chart, "Job");
        Assert.True(Weight(Chart, "ServiceAccount") < job);
        Assert.True(Weight(Chart, "Role") < job);
        Assert.True(Weight(Chart, "RoleBinding") < job);
    }

    [Fact]
    public void SetupJob_Force_AlsoRunsPreUpgrade()
    {
        var forced = ChartRenderer.RenderScenario("managed", "--set", "setup.force=true");
        foreach (var kind in new[] { "Job", "ServiceAccount", "Role", "RoleBinding" })
        {
            Assert.Equal("pre-install,pre-upgrade", forced.Get(kind, "mcp-tunnel-setup").Annotation("helm.sh/hook"));
        }
    }

    [Fact]
    public void SetupJob_RunsInitIntoTheReleaseSecret()
    {
        var setup = SetupContainer(Chart);
        Assert.Equal(["/setup"], setup.Strings("command"));
        var args = setup.Strings("args");
        Assert.Equal("init", args[0]);
        Assert.Contains("--api-url=https://api.anthropic.com", args);
        Assert.Contains("--output=k8s-secret:mcp-tunnel", args);
        Assert.Contains("--token-version=1", args);
        Assert.DoesNotContain(args, a => a.StartsWith("--tunnel-id", StringComparison.Ordinal));
        Assert.Equal("Never", Chart.Get("Job", "mcp-tunnel-setup").Str("spec.template.spec.restartPolicy"));
    }

    [Fact]
    public void SetupJob_TunnelId_IsPassed()
    {
        var args = SetupContainer(ChartRenderer.RenderScenario("managed", "--set", "tunnel.id=tnl_01abc")).Strings("args");
        Assert.Contains("--tunnel-id=tnl_01abc", args);
    }

    [Fact]
    public void SetupJob_Identity_IsItsOwnServiceAccountWithProjectedAudienceToken()
    {
        var pod = Chart.Get("Job", "mcp-tunnel-setup").At("spec.template.spec");
        Assert.Equal("mcp-tunnel-setup", pod.Str("serviceAccountName"));

        var env = SetupContainer(Chart).Arr("env");
        Assert.Equal("fdrl_01abc", env.Named("ANTHROPIC_FEDERATION_RULE_ID").Str("value"));
        Assert.Equal("8c3a1f0e-1111-2222-3333-444455556666", env.Named("ANTHROPIC_ORGANIZATION_ID").Str("value"));
        Assert.Equal("wrkspc_01xyz", env.Named("ANTHROPIC_WORKSPACE_ID").Str("value"));
        Assert.DoesNotContain(env, e => e.Str("name") == "ANTHROPIC_IDENTITY_TOKEN");

        var tokenFile = env.Named("ANTHROPIC_IDENTITY_TOKEN_FILE").Str("value")!;
        var mount = SetupContainer(Chart).Arr("volumeMounts").Named("wif-token");
        Assert.Equal(mount.Str("mountPath") + "/token", tokenFile);

        var projected = pod.Arr("volumes").Named("wif-token").Arr("projected.sources")[0];
        Assert.Equal("api.anthropic.com", projected.Str("serviceAccountToken.audience"));
        Assert.Equal("token", projected.Str("serviceAccountToken.path"));
    }

    [Fact]
    public void SetupJob_CustomAudience_IsProjected()
    {
        var pod = ChartRenderer.RenderScenario("managed", "--set", "api.wif.audience=https://api.anthropic.com")
            .Get("Job", "mcp-tunnel-setup").At("spec.template.spec");
        Assert.Equal("https://api.anthropic.com", pod.Arr("volumes").Named("wif-token").Arr("projected.sources")[0].Str("serviceAccountToken.audience"));
    }

    [Fact]
    public void SetupJob_OwnTokenFile_UsesExtraVolumesInsteadOfProjection()
    {
        var m = ChartRenderer.RenderScenario("egress");
        var pod = m.Get("Job", "mcp-tunnel-setup").At("spec.template.spec");
        var setup = pod.Arr("containers").Named("setup");
        Assert.Equal("/var/run/spiffe/jwt/token", setup.Arr("env").Named("ANTHROPIC_IDENTITY_TOKEN_FILE").Str("value"));
        Assert.Equal("/var/run/spiffe/jwt", setup.Arr("volumeMounts").Named("spiffe").Str("mountPath"));
        Assert.Equal("csi.spiffe.io", pod.Arr("volumes").Named("spiffe").Str("csi.driver"));
        Assert.DoesNotContain(pod.Arr("volumes"), v => v.Str("name") == "wif-token");
    }

    [Fact]
    public void SetupRole_ReadsAndUpdatesOnlyTheReleaseSecret()
    {
        var rules = Chart.Get("Role", "mcp-tunnel-setup").Arr("rules");
        foreach (var rule in rules)
        {
            Assert.Equal([""], rule.Strings("apiGroups"));
            Assert.Equal(["secrets"], rule.Strings("resources"));
            Assert.DoesNotContain("*", rule.Strings("verbs"));
            Assert.DoesNotContain("list", rule.Strings("verbs"));
            Assert.DoesNotContain("watch", rule.Strings("verbs"));
            Assert.DoesNotContain("delete", rule.Strings("verbs"));
            if (rule.At("resourceNames") is null)
            {
                // create cannot be limited by resourceNames; it is the only verb granted without them.
                Assert.Equal(["create"], rule.Strings("verbs"));
            }
            else
            {
                Assert.Equal(["mcp-tunnel"], rule.Strings("resourceNames"));
            }
        }

        Assert.Contains(rules, r => r.Strings("verbs").Contains("get") && r.Strings("verbs").Contains("update"));
        AssertBinds(Chart, "mcp-tunnel-setup", "mcp-tunnel-setup");
    }

    internal static void AssertBinds(Manifests m, string binding, string serviceAccount)
    {
        var rb = m.Get("RoleBinding", binding);
        Assert.Equal("Role", rb.Str("roleRef.kind"));
        Assert.Equal(binding, rb.Str("roleRef.name"));
        var subject = Assert.Single(rb.Arr("subjects"));
        Assert.Equal("ServiceAccount", subject.Str("kind"));
        Assert.Equal(serviceAccount, subject.Str("name"));
        Assert.Equal("mcp-tunnel", subject.Str("namespace"));
    }
}
