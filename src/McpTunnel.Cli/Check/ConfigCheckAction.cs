using System.Security.Cryptography;
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

    /// <summary>Null: guess the quickstart layout's <c>./data:/data</c>.</summary>
    public IReadOnlyList<PathMount>? Mounts { get; init; }
}

internal static class ConfigCheckAction
{
    /// <summary>
    /// The certificate the proxy will serve, against the server-certificate rules for tunnel_domain, offline. Without the CA only
    /// the CA-independent rules can run; <c>certs check --ca</c> and <c>doctor</c> do the rest.
    /// </summary>
    private static void CheckServerCertificate(ProxyConfig config, TextWriter output)
    {
        if (config.TunnelDomain.Length == 0)
        {
            return;
        }

        try
        {
            var report = CertificateChecker.CheckServer(File.ReadAllText(config.Tls.CertFile), null, config.TunnelDomain, ServerNameKind.TunnelDomain);
            foreach (var failure in report.Failures)
            {
                output.WriteLine($"  WARN  tls.cert_file fails {failure.RuleId}: {failure.Detail}");
                output.WriteLine($"        fix: {failure.Fix}");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            output.WriteLine($"  WARN  tls.cert_file could not be checked: {ex.Message}");
        }
    }

    public static async Task<int> RunAsync(ConfigCheckOptions options, TextWriter output, HostResolver resolver, CancellationToken cancellationToken)
    {
        var mounts = options.Mounts ?? (PathMount.Guess(options.ConfigPath) is { } guess ? [guess] : []);
        var outcome = ConfigSource.Load(options.ConfigPath, options.TunnelDomain, mounts);
        foreach (var mapped in outcome.MappedPaths)
        {
            output.WriteLine($"note: container path mapped for this check: {mapped}");
        }

        if (outcome.Result is not { } result)
        {
            output.WriteLine($"config {options.ConfigPath}: {outcome.Errors.Count} error{(outcome.Errors.Count == 1 ? "" : "s")}; the proxy would exit before listening");
            foreach (var error in outcome.Errors)
            {
                output.WriteLine($"  ERROR {error.Field}: {error.Message}");
                if (error.Fix is { } fix)
                {
                    output.WriteLine($"        fix: {fix}");
                }
            }

            return 1;
        }

        var config = result.Config;
        var table = new RouteTable(config.Routes, config.TunnelDomain);
        output.WriteLine($"config {options.ConfigPath}: OK (listen {config.ListenAddress}, tunnel_domain {(config.TunnelDomain.Length == 0 ? "(none)" : config.TunnelDomain)}, {config.Routes.Count} route{(config.Routes.Count == 1 ? "" : "s")})");
        foreach (var route in table.Routes)
        {
            var host = route.Definition.HostHeader is { } setting ? $"   upstream Host: {route.UpstreamHostHeader ?? "the caller's"} (host_header {setting})" : "";
            output.WriteLine($"  route {route.Key} -> {route.Upstream}   Claude calls https://{table.PublicHostName(route)}/<path>{host}");
        }

        foreach (var warning in result.Warnings)
        {
            output.WriteLine($"  WARN  {warning}");
        }

        CheckServerCertificate(config, output);

        var allForwarded = true;
        var explainer = new RouteExplainer(config, resolver);
        foreach (var target in options.Explain)
        {
            allForwarded &= await explainer.ExplainAsync(target, output, cancellationToken);
        }

        return allForwarded ? 0 : 1;
    }
}
