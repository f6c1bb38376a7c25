using McpTunnel.Cli.Check;
using McpTunnel.Cli.Top;
using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Observability;

namespace McpTunnel.Cli.Doctor;

/// <summary>
/// Layer (a), last: which proxy answers, implementation and version. The tunnel listener must stay byte for byte the
/// documented one (no header of ours on tunnel responses), so the answer comes from McpTunnel's admin listener, whose
/// <c>mcptunnel_build_info{version}</c> only our proxy exports: <c>--admin</c>, else the config's <c>admin_addr</c>
/// (asked on loopback when it binds every interface). Without one doctor says it cannot tell and how to make it tell.
/// When the config carries McpTunnel's extension keys and the proxy is not shown to be ours, it names what another
/// implementation (Anthropic's image) would refuse or ignore.
/// </summary>
internal static class ProxyIdentityProbe
{
    public const string Check = "implementation";

    public static async Task RunAsync(ProxyConfig config, DoctorOptions options, DoctorReport report, CancellationToken cancellationToken)
    {
        var extensions = ReadExtensionKeys(options.ConfigPath);
        var admin = options.AdminUri ?? ConfiguredAdmin(config);
        if (admin is null)
        {
            var why = config.AdminAddress is null ? "the config sets no admin_addr" : $"admin_addr {config.AdminAddress.Host}:{config.AdminAddress.Port} has no fixed port";
            report.Add(DoctorCheck.Warn(DoctorLayer.Proxy, "proxy", Check,
                $"cannot tell which proxy implementation and version answer: {why}, and the tunnel listener names none (it stays the documented one){Lacking(extensions)}",
                $"Run McpTunnel's proxy with admin_addr: \"127.0.0.1:9090\" and pass --admin http://127.0.0.1:9090 (from inside the proxy's network namespace)"));
            return;
        }

        var subject = admin.GetLeftPart(UriPartial.Authority);
        MetricsSnapshot snapshot;
        using (var scraper = new AdminScraper(admin, options.Timeout, TimeProvider.System))
        {
            try
            {
                snapshot = await scraper.ScrapeAsync(cancellationToken);
            }
            catch (AdminUnreachableException)
            {
                report.Add(DoctorCheck.Warn(DoctorLayer.Proxy, subject, Check,
                    $"cannot tell which proxy answers: the tunnel listener does, nothing answers as an admin listener at {subject}. McpTunnel's proxy always opens admin_addr, so this is another implementation (Anthropic's image has no admin listener) or doctor runs outside the proxy's network namespace{Lacking(extensions)}",
                    "Run McpTunnel's image (deploy/docker/build-image.sh builds mcp-proxy:local), or run doctor where the admin address is reachable"));
                return;
            }
        }

        var version = snapshot.Series(TopCalculator.BuildInfo).Select(s => s.Label("version")).FirstOrDefault(v => v.Length > 0);
        report.Add(version is null
            ? DoctorCheck.Warn(DoctorLayer.Proxy, subject, Check,
                $"{subject} answers /metrics without {TopCalculator.BuildInfo}: not McpTunnel's admin listener, so the proxy is not identified{Lacking(extensions)}",
                "Pass the proxy's own admin_addr with --admin")
            : DoctorCheck.Pass(DoctorLayer.Proxy, subject, Check, $"McpTunnel mcp-proxy {version} ({TopCalculator.BuildInfo} on its admin listener)"));
    }

    /// <summary>The config's admin address as a URL doctor can ask, or null when it has none or it is chosen at start (port 0).</summary>
    internal static Uri? ConfiguredAdmin(ProxyConfig config) =>
        config.AdminAddress is { Port: > 0 } admin ? new Uri(HealthCheckProbe.ReadyUrl(admin), "/") : null;

    /// <summary>The keys as the operator wrote them (the loaded config has every default filled in).</summary>
    private static IReadOnlyList<ExtensionKey> ReadExtensionKeys(string path)
    {
        try
        {
            return ExtensionKeys.Find(File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return []; // the config layer already loaded this file; a race with an edit only loses the advice
        }
    }

    private static string Lacking(IReadOnlyList<ExtensionKey> keys) => keys.Count == 0
        ? ""
        : $". If it is not McpTunnel's proxy, it refuses or ignores what this config sets beyond the documented keys: {ExtensionKeys.Describe(keys)}";
}
