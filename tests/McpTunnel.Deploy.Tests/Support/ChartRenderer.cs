using System.Diagnostics;
using System.Text.Json.Nodes;

namespace McpTunnel.Deploy.Tests.Support;

/// <summary>
/// Renders deploy/helm/mcp-tunnel with tests/deploy/helm-render (a `helm template` stand-in built from
/// Debian's Go packages, since no helm binary is available). Built once per test run.
/// </summary>
public sealed class ChartRenderer
{
    private static readonly Lazy<string> Binary = new(Build);

    public static string ChartDir => RepoPaths.Of("deploy", "helm", "mcp-tunnel");

    public static string Scenario(string name) => RepoPaths.Of("tests", "deploy", "scenarios", name + ".yaml");

    /// <summary>Renders with release "mcp-tunnel" in namespace "mcp-tunnel" unless args say otherwise.</summary>
    public static RenderResult Render(params string[] args)
    {
        var all = new List<string> { "-chart", ChartDir, "-release", "mcp-tunnel", "-namespace", "mcp-tunnel" };
        all.AddRange(args);
        var (code, stdout, stderr) = Run(Binary.Value, all);
        return new RenderResult(code, stdout, stderr);
    }

    /// <summary>Renders a scenario file from tests/deploy/scenarios, which must succeed.</summary>
    public static Manifests RenderScenario(string scenario, params string[] args)
    {
        var result = Render(["-f", Scenario(scenario), .. args]);
        Assert.True(result.ExitCode == 0, $"helm-render failed for {scenario}: {result.Stderr}");
        return new Manifests(result.Stdout);
    }

    private static string Build()
    {
        var script = RepoPaths.Of("tests", "deploy", "helm-render", "build.sh");
        var (code, stdout, stderr) = Run("bash", [script]);
        if (code != 0)
        {
            throw new InvalidOperationException(
                "building tests/deploy/helm-render failed (needs Debian packages golang-go "
                + "golang-github-masterminds-sprig-dev golang-gopkg-yaml.v3-dev golang-gopkg-yaml.v2-dev): " + stderr);
        }

        return stdout.Trim();
    }

    private static (int Code, string Stdout, string Stderr) Run(string file, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish in 2 minutes");
        }

        return (p.ExitCode, stdout, stderr.Result);
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
