using System.Text.Json.Nodes;

namespace McpTunnel.Deploy.Tests.Support;

/// <summary>
/// Renders deploy/helm/mcp-tunnel with the real <c>helm template</c> (helm 4 from tests/node's npm layer,
/// see <see cref="HelmTools"/>). Arguments are helm's own flags (<c>-f FILE</c>, <c>--set K=V</c>).
/// </summary>
public sealed class ChartRenderer
{
    public static string ChartDir => RepoPaths.Of("deploy", "helm", "mcp-tunnel");

    public static string Scenario(string name) => RepoPaths.Of("tests", "deploy", "scenarios", name + ".yaml");

    /// <summary>Renders with release "mcp-tunnel" in namespace "mcp-tunnel".</summary>
    public static RenderResult Render(params string[] args) => RenderAs("mcp-tunnel", "mcp-tunnel", args);

    public static RenderResult RenderAs(string release, string ns, params string[] args)
    {
        var (code, stdout, stderr) = HelmTools.Run(HelmTools.Helm, ["template", release, ChartDir, "--namespace", ns, .. args]);
        return new RenderResult(code, stdout, stderr);
    }

    /// <summary>Renders a scenario file from tests/deploy/scenarios, which must succeed.</summary>
    public static Manifests RenderScenario(string scenario, params string[] args) =>
        Succeed(scenario, Render(["-f", Scenario(scenario), .. args]));

    public static Manifests RenderScenarioAs(string release, string ns, string scenario, params string[] args) =>
        Succeed(scenario, RenderAs(release, ns, ["-f", Scenario(scenario), .. args]));

    private static Manifests Succeed(string scenario, RenderResult result)
    {
        Assert.True(result.ExitCode == 0, $"helm template failed for {scenario}: {result.Stderr}");
        return new Manifests(result.Stdout);
    }
}

public sealed record RenderResult(int ExitCode, string Stdout, string Stderr);

/// <summary>The rendered documents, looked up by kind and name.</summary>
public sealed class Manifests
{
    public Manifests(string yaml)
    {
        Documents = Yaml.ParseAll(yaml).OfType<JsonObject>().ToList();
    }

    public IReadOnlyList<JsonObject> Documents { get; }

    public IEnumerable<JsonObject> OfKind(string kind) => Documents.Where(d => d.Str("kind") == kind);

    public JsonObject Get(string kind, string name) =>
        OfKind(kind).SingleOrDefault(d => d.Str("metadata.name") == name)
        ?? throw new Xunit.Sdk.XunitException(
            $"no {kind} '{name}' among: " + string.Join(", ", Documents.Select(d => d.Str("kind") + "/" + d.Str("metadata.name"))));

    public bool Has(string kind) => OfKind(kind).Any();

    /// <summary>Every pod spec: the Deployment's, the Job's and the CronJob's job template's.</summary>
    public IEnumerable<(string Owner, JsonNode PodSpec)> PodSpecs()
    {
        foreach (var d in Documents)
        {
            var spec = d.Str("kind") switch
            {
                "Deployment" or "Job" => d.At("spec.template.spec"),
                "CronJob" => d.At("spec.jobTemplate.spec.template.spec"),
                _ => null,
            };
            if (spec is not null)
            {
                yield return (d.Str("kind") + "/" + d.Str("metadata.name"), spec);
            }
        }
    }
}
