using McpTunnel.Cli.Terminal;

namespace McpTunnel.Cli.Certs;

/// <summary><c>mcptunnel certs check --json</c>: every rule's result as one document (docs/CLI.md), for scripts and CI.</summary>
internal static class CertsCheckJsonWriter
{
    public static void Write(TextWriter output, IReadOnlyList<CheckedCertificate> files, KeyMatch? key, string? failure, int exitCode) =>
        JsonReport.Write(output, "certs check", exitCode, json =>
        {
            json.WriteStringOrNull("error", failure);
            json.WriteObjects("certificates", files, (json, file) =>
            {
                json.WriteString("kind", file.Kind);
                json.WriteString("path", file.Path);
                json.WriteStringOrNull("name", file.Name);
                json.WriteBoolean("passed", file.Report.Passed);
                json.WriteBoolean("caChecked", file.Kind == "ca" || !file.WithoutCa);
                json.WriteObjects("rules", file.Report.Results, (json, rule) =>
                {
                    json.WriteString("id", rule.RuleId);
                    json.WriteBoolean("passed", rule.Passed);
                    json.WriteString("description", rule.Description);
                    json.WriteString("found", rule.Detail);
                    json.WriteStringOrNull("fix", rule.Passed ? null : rule.Fix);
                });
            });
            json.WriteObjectOrNull("key", key, (json, key) =>
            {
                json.WriteString("path", key.KeyPath);
                json.WriteBoolean("matchesCertificate", key.Matches);
            });
        });
}
