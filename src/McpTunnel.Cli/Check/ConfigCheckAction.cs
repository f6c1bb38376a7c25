using McpTunnel.Pki.Rules;
using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Routing;

namespace McpTunnel.Cli.Check;

/// <summary>
/// <c>mcptunnel check CONFIG [--explain HOST|URL]</c>: the proxy's own loader, offline. Prints every error with
/// its field and fix and every warning; exit 1 on errors, or when an explained request would not be forwarded.
/// </summary>
internal sealed record ConfigCheckOptions(string ConfigPath)
{
    public string? TunnelDomain { get; init; }

    public IReadOnlyList<string> Explain { get; init; } = [];

    /// <summary>With <see cref="Explain"/>: the MCP call (<c>--tool</c>, <c>--prompt</c>, <c>--resource</c>) to judge against the route's policy.</summary>
    public ExplainedCall? Call { get; init; }

    /// <summary>Null: guess the quickstart layout's <c>./data:/data</c>.</summary>
    public IReadOnlyList<PathMount>? Mounts { get; init; }

    /// <summary>One JSON document (docs/CLI.md) instead of the text report.</summary>
    public bool Json { get; init; }
}

internal static class ConfigCheckAction
{
    public static async Task<int> RunAsync(ConfigCheckOptions options, TextWriter output, HostResolver resolver, CancellationToken cancellationToken)
    {
        var report = await ConfigCheckReport.BuildAsync(options, resolver, cancellationToken);
        if (options.Json)
        {
            ConfigCheckJsonWriter.Write(output, report);
        }
        else
        {
            WriteText(output, report);
        }

        return report.ExitCode;
    }

    private static void WriteText(TextWriter output, ConfigCheckReport report)
    {
        foreach (var mapped in report.MappedPaths)
        {
            output.WriteLine($"note: container path mapped for this check: {mapped}");
        }

        if (report.Config is not { } config)
        {
            output.WriteLine($"config {report.ConfigPath}: {report.Errors.Count} error{(report.Errors.Count == 1 ? "" : "s")}; the proxy would exit before listening");
            foreach (var error in report.Errors)
            {
                output.WriteLine($"  ERROR {error.Field}: {error.Message}");
                if (error.Fix is { } fix)
                {
                    output.WriteLine($"        fix: {fix}");
                }
            }

            return;
        }

        output.WriteLine($"config {report.ConfigPath}: OK (listen {config.ListenAddress}, tunnel_domain {(config.TunnelDomain.Length == 0 ? "(none)" : config.TunnelDomain)}, {config.Routes.Count} route{(config.Routes.Count == 1 ? "" : "s")})");
        foreach (var route in report.Routes)
        {
            var host = route.HostHeaderSetting is { } setting ? $"   upstream Host: {route.UpstreamHostHeader ?? "the caller's"} (host_header {setting})" : "";
            output.WriteLine($"  route {route.Key} -> {route.Upstream}   Claude calls https://{route.PublicHost}/<path>{host}");
            if (route.Credential is { } credential)
            {
                output.WriteLine($"    credential {credential.Describe()} (value never shown)");
            }

            foreach (var line in route.Policy ?? [])
            {
                output.WriteLine($"    policy {line}");
            }
        }

        if (config.Audit is { } audit)
        {
            output.WriteLine($"  audit {audit.Describe()}");
        }

        foreach (var warning in report.Warnings)
        {
            output.WriteLine($"  WARN  {warning}");
        }

        foreach (var finding in report.CertificateFindings)
        {
            if (finding.RuleId is { } rule)
            {
                output.WriteLine($"  WARN  tls.cert_file fails {rule}: {finding.Detail}");
                output.WriteLine($"        fix: {finding.Fix}");
            }
            else
            {
                output.WriteLine($"  WARN  tls.cert_file could not be checked: {finding.Detail}");
            }
        }

        foreach (var explained in report.Explained)
        {
            output.Write(explained.Text);
        }
    }
}
