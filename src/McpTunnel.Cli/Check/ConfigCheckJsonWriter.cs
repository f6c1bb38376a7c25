using McpTunnel.Cli.Terminal;

namespace McpTunnel.Cli.Check;

/// <summary><c>mcptunnel check --json</c>: the report as one document (docs/CLI.md), for scripts and CI.</summary>
internal static class ConfigCheckJsonWriter
{
    public static void Write(TextWriter output, ConfigCheckReport report) =>
        JsonReport.Write(output, "check", report.ExitCode, json =>
        {
            json.WriteString("config", report.ConfigPath);
            json.WriteBoolean("loaded", report.Config is not null);
            json.WriteStringOrNull("listen", report.Config?.ListenAddress.ToString());
            json.WriteStringOrNull("tunnelDomain", report.Config is { TunnelDomain.Length: > 0 } config ? config.TunnelDomain : null);
            json.WriteStringOrNull("audit", report.Config?.Audit?.Describe());
            json.WriteStrings("mappedPaths", report.MappedPaths);
            json.WriteObjects("errors", report.Errors, (json, error) =>
            {
                json.WriteString("field", error.Field);
                json.WriteString("message", error.Message);
                json.WriteStringOrNull("fix", error.Fix);
            });
            json.WriteStrings("warnings", report.Warnings);
            json.WriteObjects("routes", report.Routes, (json, route) =>
            {
                json.WriteString("key", route.Key);
                json.WriteString("upstream", route.Upstream);
                json.WriteString("publicHost", route.PublicHost);
                json.WriteStringOrNull("upstreamHostHeader", route.UpstreamHostHeader);
                json.WriteObjectOrNull("credential", route.Credential, (json, credential) =>
                {
                    json.WriteString("header", credential.Header);
                    json.WriteString("valueFile", credential.ValueFile);
                    json.WriteString("prefix", credential.Prefix);
                    json.WriteString("callerAuthorization", credential.CallerAuthorization.ToString().ToLowerInvariant());
                });
                json.WriteStrings("policy", route.Policy);
            });
            json.WriteObjects("certificate", report.CertificateFindings, (json, finding) =>
            {
                json.WriteStringOrNull("rule", finding.RuleId);
                json.WriteString("detail", finding.Detail);
                json.WriteStringOrNull("fix", finding.Fix);
            });
            json.WriteObjects("explain", report.Explained, (json, explained) =>
            {
                json.WriteString("target", explained.Target);
                json.WriteBoolean("forwarded", explained.Forwarded);
                json.WriteString("text", explained.Text);
            });
        });
}
