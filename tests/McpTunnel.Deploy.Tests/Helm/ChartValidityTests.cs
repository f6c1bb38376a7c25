using System.Text.Json.Nodes;
using McpTunnel.Deploy.Tests.Support;

namespace McpTunnel.Deploy.Tests.Helm;

/// <summary>
/// The chart as Helm and Kubernetes see it: real <c>helm lint --strict</c>, and every object that
/// <c>helm template</c> renders validated against the Kubernetes API schemas (kubernetes-models, offline).
/// </summary>
public class ChartValidityTests
{
    public static TheoryData<string> Scenarios => new(["managed", "external", "egress"]);

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void HelmLintStrict_Scenario_Passes(string scenario)
    {
        var (code, stdout, stderr) = HelmTools.Run(HelmTools.Helm, ["lint", "--strict", ChartRenderer.ChartDir, "-f", ChartRenderer.Scenario(scenario)]);
        Assert.True(code == 0, $"helm lint --strict ({scenario}) failed:\n{stdout}\n{stderr}");
        Assert.Contains("1 chart(s) linted, 0 chart(s) failed", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void RenderedObjects_Scenario_MatchTheKubernetesApiSchemas(string scenario)
    {
        // Read as the API server reads YAML (1.1: defaultMode 0440 is octal 288), not as the assertions do.
        var result = ChartRenderer.Render("-f", ChartRenderer.Scenario(scenario));
        Assert.True(result.ExitCode == 0, result.Stderr);
        var objects = Yaml.ParseAllAsKubernetes(result.Stdout).OfType<JsonObject>().ToList();
        Assert.NotEmpty(objects);
        var (code, stdout) = Validate(objects);
        Assert.True(code == 0, $"schema validation ({scenario}) failed:\n{stdout}");
        Assert.Equal(objects.Count, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.StartsWith("ok ", StringComparison.Ordinal)));
    }

    [Fact]
    public void SchemaValidator_BrokenDeployment_IsRejected()
    {
        // The check is live: a port given as a string, a container without its required name, an unknown kind.
        var rendered = Yaml.ParseAllAsKubernetes(ChartRenderer.Render("-f", ChartRenderer.Scenario("external")).Stdout)
            .OfType<JsonObject>().Single(o => o.Str("kind") == "Deployment");
        var badPort = rendered.DeepClone().AsObject();
        FirstContainer(badPort)["ports"]!.AsArray()[0]!["containerPort"] = "eighty";
        var noName = rendered.DeepClone().AsObject();
        FirstContainer(noName).Remove("name");
        var unknown = new JsonObject { ["apiVersion"] = "example.com/v1", ["kind"] = "Widget", ["metadata"] = new JsonObject { ["name"] = "w" } };

        var (code, stdout) = Validate([badPort, noName, unknown]);
        Assert.Equal(1, code);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Count(l => l.StartsWith("FAIL ", StringComparison.Ordinal)));
        Assert.Contains("containerPort must be integer", lines[0], StringComparison.Ordinal);
        Assert.Contains("must have required property name", lines[1], StringComparison.Ordinal);
        Assert.Contains("FAIL example.com/v1/Widget w: no schema", lines[2], StringComparison.Ordinal);
    }

    private static JsonObject FirstContainer(JsonObject deployment) =>
        deployment.At("spec.template.spec.containers")!.AsArray()[0]!.AsObject();

    [Fact]
    public void Kubectl_FromTheSameLayer_Runs()
    {
        var (code, stdout, stderr) = HelmTools.Run(HelmTools.Kubectl, ["version", "--client"]);
        Assert.True(code == 0, stderr);
        Assert.Contains("Client Version: v1.33", stdout, StringComparison.Ordinal);
    }

    private static (int Code, string Stdout) Validate(IEnumerable<JsonObject> objects)
    {
        var json = new JsonArray(objects.Select(o => (JsonNode)o.DeepClone()).ToArray()).ToJsonString();
        var script = RepoPaths.Of("tests", "deploy", "validate-k8s.mjs");
        var (code, stdout, stderr) = HelmTools.Run("node", [script, HelmTools.NodeDirectory], json);
        return (code, stdout + stderr);
    }
}
