using McpTunnel.Cli.Terminal;
using McpTunnel.Cli.Top;

namespace McpTunnel.Cli.Doctor;

/// <summary>
/// <c>doctor --admin</c>: what the running proxy says about itself on its admin listener. <c>/readyz</c> is the
/// present state, so not ready fails. The failure counters are history since the proxy started (they do not reset
/// when the cause is fixed), so a non-zero one warns and names the troubleshooting row its reason or kind points to.
/// </summary>
internal static class AdminProbe
{
    public const string ReadinessCheck = "readiness";
    public const string HandshakeCheck = "handshake failures";
    public const string UpstreamCheck = "upstream failures";
    public const string ConfigCheck = "running config";

    /// <param name="configPath">The config file doctor was given: its hash is compared with the running configuration's.</param>
    public static async Task RunAsync(Uri admin, DoctorReport report, TimeSpan timeout, CancellationToken cancellationToken, string? configPath = null)
    {
        var subject = admin.GetLeftPart(UriPartial.Authority);
        MetricsSnapshot snapshot;
        using (var scraper = new AdminScraper(admin, timeout, TimeProvider.System))
        {
            try
            {
                snapshot = await scraper.ScrapeAsync(cancellationToken);
            }
            catch (AdminUnreachableException ex)
            {
                report.Add(DoctorCheck.Fail(DoctorLayer.Admin, subject, "admin listener", ex.Message, null,
                    "Set admin_addr in the proxy config and restart it, pass that address with --admin http://HOST:PORT, and run doctor inside the proxy's network namespace"));
                return;
            }
        }

        report.Add(snapshot.Ready
            ? DoctorCheck.Pass(DoctorLayer.Admin, subject, ReadinessCheck, snapshot.Readiness)
            : DoctorCheck.Fail(DoctorLayer.Admin, subject, ReadinessCheck, $"/readyz: {snapshot.Readiness}",
                snapshot.Readiness.Contains("certificate", StringComparison.OrdinalIgnoreCase) ? Troubleshooting.BadCertificate : null,
                "Read the reason above: it names what the proxy waits for and the fix"));

        if (configPath is not null)
        {
            report.Add(CompareConfig(subject, snapshot, configPath));
        }

        var handshakes = snapshot.SumBy(TopCalculator.Handshakes, "reason", s => s.Label("result") == "failed").Where(r => r.Value > 0).ToList();
        if (handshakes.Count == 0)
        {
            report.Add(DoctorCheck.Pass(DoctorLayer.Admin, subject, HandshakeCheck, "no failed inner TLS handshakes since the proxy started"));
        }

        foreach (var (reason, count) in handshakes.OrderByDescending(h => h.Value))
        {
            report.Add(new DoctorCheck(DoctorLayer.Admin, subject, HandshakeCheck, DoctorStatus.Warn,
                $"{count:0} inner TLS handshake(s) failed since the proxy started: {reason}") { Row = RowForHandshake(reason) });
        }

        var upstream = snapshot.SumBy(TopCalculator.UpstreamFailures, "kind").Where(k => k.Value > 0).ToList();
        if (upstream.Count == 0)
        {
            report.Add(DoctorCheck.Pass(DoctorLayer.Admin, subject, UpstreamCheck, "no failed upstream requests since the proxy started"));
        }

        foreach (var (kind, count) in upstream.OrderByDescending(k => k.Value))
        {
            var routes = snapshot.SumBy(TopCalculator.UpstreamFailures, "route", s => s.Label("kind") == kind).Where(r => r.Value > 0).Select(r => r.Key).Order(StringComparer.Ordinal);
            report.Add(new DoctorCheck(DoctorLayer.Admin, subject, UpstreamCheck, DoctorStatus.Warn,
                $"{count:0} request(s) failed since the proxy started: {kind} (route {string.Join(", ", routes)})") { Row = RowForUpstream(kind) });
        }
    }

    /// <summary>
    /// The running configuration's hash (<c>mcptunnel_config_info{hash}</c>) against the file's, both SHA-256 of the file's
    /// bytes, first 12 hex digits (<c>ConfigHash</c>): different means the file was edited and not reloaded (or the
    /// reload failed, which <c>mcptunnel_config_last_reload_successful</c> says).
    /// </summary>
    internal static DoctorCheck CompareConfig(string subject, MetricsSnapshot snapshot, string configPath)
    {
        if (snapshot.Series("mcptunnel_config_info").Select(s => s.Label("hash")).FirstOrDefault(h => h.Length > 0) is not { } running)
        {
            return DoctorCheck.Pass(DoctorLayer.Admin, subject, ConfigCheck, "the proxy does not export its config's hash (mcptunnel_config_info); cannot compare it with the file");
        }

        string file;
        try
        {
            file = McpTunnel.Proxy.Configuration.ConfigHash.Of(File.ReadAllBytes(configPath));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return DoctorCheck.Warn(DoctorLayer.Admin, subject, ConfigCheck, $"running config hash {running}; {configPath} cannot be read: {ex.Message}");
        }

        if (file == running)
        {
            return DoctorCheck.Pass(DoctorLayer.Admin, subject, ConfigCheck, $"the proxy runs {configPath} as it is now (hash {running})");
        }

        var failed = snapshot.Value("mcptunnel_config_last_reload_successful") == 0 ? "; its last reload failed (the proxy log has each error as \"config reload error\")" : "";
        return new DoctorCheck(DoctorLayer.Admin, subject, ConfigCheck, DoctorStatus.Warn,
            $"the proxy runs config hash {running}, {configPath} has hash {file}: the file changed since the proxy loaded it{failed}")
        {
            Row = Troubleshooting.ConfigNotReloaded,
            Fix = $"mcptunnel check {configPath}, then reload the proxy: docker compose kill -s HUP mcp-proxy (kill -HUP <pid>; in Kubernetes with gateway.reload.watch the change is picked up by itself)",
        };
    }

    /// <summary>The proxy's handshake failure reasons (the troubleshooting table's words) → the row that explains them.</summary>
    internal static TroubleshootingRow? RowForHandshake(string reason) => reason switch
    {
        "unknown certificate authority" => Troubleshooting.UnknownCa,
        "bad certificate" or "certificate expired" or "certificate unknown" => Troubleshooting.BadCertificate,
        "client sent plain HTTP, not TLS" or "client did not speak TLS" => Troubleshooting.PlainHttp,
        _ => null,
    };

    /// <summary>The forwarder's outcome kinds → the row that explains them.</summary>
    internal static TroubleshootingRow? RowForUpstream(string kind) => kind switch
    {
        "EgressDenied" => Troubleshooting.EgressDenied,
        "UpstreamConnectFailed" => Troubleshooting.HostProcess,
        "NoRoute" => Troubleshooting.NoRoute,
        _ => null,
    };
}
