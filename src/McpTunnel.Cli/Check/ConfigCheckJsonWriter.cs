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
            json.WriteStartArray("mappedPaths");
            foreach (var mapped in report.MappedPaths)
            {
                json.WriteStringValue(mapped);
            }

            json.WriteEndArray();
            json.WriteStartArray("errors");
            foreach (var error in report.Errors)
            {
                json.WriteStartObject();
                json.WriteString("field", error.Field);
                json.WriteString("message", error.Message);
                json.WriteStringOrNull("fix", error.Fix);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("warnings");
            foreach (var warning in report.Warnings)
            {
                json.WriteStringValue(warning);
            }

            json.WriteEndArray();
            json.WriteStartArray("routes");
            foreach (var route in report.Routes)
            {
                json.WriteStartObject();
                json.WriteString("key", route.Key);
                json.WriteString("upstream", route.Upstream);
                json.WriteString("publicHost", route.PublicHost);
                json.WriteStringOrNull("upstreamHostHeader", route.UpstreamHostHeader);
                if (route.Credential is { } credential)
                {
                    json.WriteStartObject("credential");
                    json.WriteString("header", credential.Header);
                    json.WriteString("valueFile", credential.ValueFile);
                    json.WriteString("prefix", credential.Prefix);
                    json.WriteString("callerAuthorization", credential.CallerAuthorization.ToString().ToLowerInvariant());
                    json.WriteEndObject();
                }
                else
                {
                    json.WriteNull("credential");
                }

                if (route.Policy is { } policy)
                {
                    json.WriteStartArray("policy");
                    foreach (var line in policy)
                    {
                        json.WriteStringValue(line);
                    }

                    json.WriteEndArray();
                }
                else
                {
                    json.WriteNull("policy");
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("certificate");
            foreach (var finding in report.CertificateFindings)
            {
                json.WriteStartObject();
                json.WriteStringOrNull("rule", finding.RuleId);
                json.WriteString("detail", finding.Detail);
                json.WriteStringOrNull("fix", finding.Fix);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("explain");
            foreach (var explained in report.Explained)
            {
                json.WriteStartObject();
                json.WriteString("target", explained.Target);
                json.WriteBoolean("forwarded", explained.Forwarded);
                json.WriteString("text", explained.Text);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        });
}
