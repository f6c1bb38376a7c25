using McpTunnel.Cli.Terminal;

namespace McpTunnel.Cli.Doctor;

/// <summary><c>mcptunnel doctor --json</c>: the report as one document (docs/CLI.md), for scripts and CI.</summary>
internal static class DoctorJsonWriter
{
    public static void Write(TextWriter output, DoctorReport report, int exitCode) =>
        JsonReport.Write(output, "doctor", exitCode, json =>
        {
            json.WriteStringOrNull("firstBrokenLayer", report.FirstBrokenLayer is { } broken ? LayerName(broken) : null);
            json.WriteStartArray("layers");
            foreach (var layer in Enum.GetValues<DoctorLayer>())
            {
                var checks = report.Checks.Where(c => c.Layer == layer).ToList();
                if (layer is DoctorLayer.Admin or DoctorLayer.OAuth && checks.Count == 0)
                {
                    continue; // only with --admin / --oauth: without them the document keeps its four layers
                }

                json.WriteStartObject();
                json.WriteString("layer", LayerName(layer));
                json.WriteString("status", checks.Count == 0 ? "skipped" : checks.Any(c => c.Status == DoctorStatus.Fail) ? "fail" : "pass");
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("checks");
            foreach (var check in report.Checks)
            {
                json.WriteStartObject();
                json.WriteString("layer", LayerName(check.Layer));
                json.WriteString("subject", check.Subject);
                json.WriteString("check", check.Name);
                json.WriteString("status", check.Status.ToString().ToLowerInvariant());
                json.WriteString("detail", check.Detail);
                json.WriteStringOrNull("why", check.Row?.Describe());
                json.WriteStringOrNull("fix", check.Status is DoctorStatus.Fail or DoctorStatus.Warn ? check.Fix ?? check.Row?.Fix : null);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        });

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
