using McpTunnel.Cli.Terminal;

namespace McpTunnel.Cli.Doctor;

/// <summary><c>mcptunnel doctor --json</c>: the report as one document (docs/CLI.md), for scripts and CI.</summary>
internal static class DoctorJsonWriter
{
    public static void Write(TextWriter output, DoctorReport report, int exitCode) =>
        JsonReport.Write(output, "doctor", exitCode, json =>
        {
            json.WriteStringOrNull("firstBrokenLayer", report.FirstBrokenLayer is { } broken ? LayerName(broken) : null);
            json.WriteObjects("layers", ReportedLayers(report), (json, layer) =>
            {
                json.WriteString("layer", LayerName(layer.Layer));
                json.WriteString("status", layer.Checks.Count == 0 ? "skipped" : layer.Checks.Any(c => c.Status == DoctorStatus.Fail) ? "fail" : "pass");
            });
            json.WriteObjects("checks", report.Checks, (json, check) =>
            {
                json.WriteString("layer", LayerName(check.Layer));
                json.WriteString("subject", check.Subject);
                json.WriteString("check", check.Name);
                json.WriteString("status", check.Status.ToString().ToLowerInvariant());
                json.WriteString("detail", check.Detail);
                json.WriteStringOrNull("why", check.Row?.Describe());
                json.WriteStringOrNull("fix", check.Status is DoctorStatus.Fail or DoctorStatus.Warn ? check.Fix ?? check.Row?.Fix : null);
            });
        });

    /// <summary>Every layer with its checks; admin and OAuth only with --admin / --oauth, so without them the document keeps its four layers.</summary>
    private static IEnumerable<(DoctorLayer Layer, List<DoctorCheck> Checks)> ReportedLayers(DoctorReport report) =>
        Enum.GetValues<DoctorLayer>()
            .Select(layer => (Layer: layer, Checks: report.Checks.Where(c => c.Layer == layer).ToList()))
            .Where(layer => !(layer.Layer is DoctorLayer.Admin or DoctorLayer.OAuth && layer.Checks.Count == 0));

    /// <summary>Stable names, not the enum's: renaming a C# member must not break a script.</summary>
    public static string LayerName(DoctorLayer layer) => layer switch
    {
        DoctorLayer.Config => "config",
        DoctorLayer.Proxy => "proxy",
        DoctorLayer.InnerTls => "inner-tls",
        DoctorLayer.Admin => "admin",
        DoctorLayer.OAuth => "oauth",
        _ => "upstream",
    };
}
