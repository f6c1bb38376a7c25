using McpTunnel.Common.Net;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;
using McpTunnel.Cli.Check;
using McpTunnel.Cli.Terminal;
using McpTunnel.Pki.Inspection;
using McpTunnel.Pki.Pem;
using McpTunnel.Pki.Rules;
using McpTunnel.Proxy.Configuration;
using McpTunnel.TunnelClient;

namespace McpTunnel.Cli.Doctor;

/// <summary>
/// <c>mcptunnel doctor</c>: the troubleshooting docs' order (edge, inner TLS, routing) as a program, run from inside the stack.
/// <code>
/// [config] load with the proxy's loader, CA against the Tunnels API's CA rules
/// [a] proxy: plain GET → 426, WebSocket upgrade accepted, which implementation and version (admin listener)
/// [b] inner TLS per route name, trusting only the CA: chain, SAN, AKI/SKI, days left
/// [c] per name: route → resolve → egress (never dial a denied address) → TCP → MCP initialize through the tunnel
/// </code>
/// [oauth] with --oauth URL: 401 → protected-resource metadata → authorization-server metadata, checked as Claude does
/// [admin] with --admin: the proxy's /readyz and its failure counters, each pointing at its troubleshooting row
/// A broken layer stops the walk: later layers cannot be judged through it. Exit 0 when nothing failed, else 1.
/// </summary>
internal sealed class DoctorRunner(DoctorOptions options, TextWriter output, HostResolver resolver)
{
    /// <summary>The report of the last run, for callers that want more than the printed lines.</summary>
    public DoctorReport? LastReport { get; private set; }

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        DoctorLayer? shown = null;
        var report = LastReport = new DoctorReport(check =>
        {
            if (shown != check.Layer)
            {
                shown = check.Layer;
                DoctorReportWriter.WriteLayer(output, check.Layer);
            }

            DoctorReportWriter.WriteCheck(output, check);
        });

        output.WriteLine($"doctor: config {options.ConfigPath}, CA {options.CaPath}");
        var config = LoadConfig(report);
        var caPem = config is null ? null : LoadCa(report, config);
        if (config is null || caPem is null)
        {
            return await FinishAsync(report, cancellationToken, DoctorLayer.Proxy, DoctorLayer.InnerTls, DoctorLayer.Upstream);
        }

        var connector = new TunnelConnector(options.ProxyUri ?? DefaultProxyUri(config.ListenAddress), new TunnelServerValidator(TrustOnly(caPem)));

        // Layer (a), then which proxy it is.
        await ProxyProbe.RunAsync(connector, report, options.Timeout, cancellationToken);
        if (report.LayerFailed(DoctorLayer.Proxy))
        {
            return await FinishAsync(report, cancellationToken, DoctorLayer.InnerTls, DoctorLayer.Upstream);
        }

        await ProxyIdentityProbe.RunAsync(config, options, report, cancellationToken);

        // Layer (b).
        var hosts = HostsToCheck(config);
        foreach (var host in hosts)
        {
            await TlsProbe.RunAsync(connector, caPem, host, config.Tls.CertFile, report, options, cancellationToken);
        }

        if (report.LayerFailed(DoctorLayer.InnerTls))
        {
            return await FinishAsync(report, cancellationToken, DoctorLayer.Upstream);
        }

        // Layer (c).
        using var client = new HttpClient(connector.CreateHttpHandler())
        {
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
            Timeout = options.Timeout,
        };
        var oauth = options.OAuthUrl is null ? null : new OAuthProbe(client, options.Domain ?? config.TunnelDomain);
        var authorizationServers = oauth is null ? null : await oauth.AuthorizationServerHostsAsync(options.OAuthUrl!, cancellationToken);
        var upstreams = new UpstreamProbe(config, options, resolver, new McpInitializeProbe(client, options.Path), authorizationServers);
        foreach (var host in hosts)
        {
            await upstreams.RunAsync(host, report, cancellationToken);
        }

        // Layer [oauth], with --oauth: through the same tunnel client, whatever layer (c) found for other routes.
        if (oauth is not null)
        {
            await oauth.RunAsync(options.OAuthUrl!, report, cancellationToken);
        }

        return await FinishAsync(report, cancellationToken);
    }

    /// <summary>The names Claude calls: each route's public name under the tunnel's domain, plus <c>--host</c>s.</summary>
    internal List<string> HostsToCheck(ProxyConfig config)
    {
        var domain = options.Domain ?? config.TunnelDomain;
        string Expand(string name) => name.Contains('.', StringComparison.Ordinal) || domain.Length == 0 ? name : $"{name}.{domain}";
        return config.Routes.Select(r => Expand(r.Key)).Concat(options.Hosts.Select(Expand))
            .Select(h => h.ToLowerInvariant()).Distinct().ToList();
    }

    private ProxyConfig? LoadConfig(DoctorReport report)
    {
        var outcome = ConfigSource.Load(options.ConfigPath, null, options.Mounts, "pass the config path with mcptunnel doctor --config PATH");
        if (outcome.Result is not { } result)
        {
            foreach (var error in outcome.Errors)
            {
                report.Add(DoctorCheck.Fail(DoctorLayer.Config, error.Field, "config", error.Message, null, error.Fix));
            }

            return null;
        }

        var config = result.Config;
        report.Add(DoctorCheck.Pass(DoctorLayer.Config, Path.GetFileName(options.ConfigPath), "config", $"loads; tunnel_domain {config.TunnelDomain}, {config.Routes.Count} route(s)"));
        foreach (var warning in result.Warnings)
        {
            report.Add(DoctorCheck.Warn(DoctorLayer.Config, Path.GetFileName(options.ConfigPath), "config", warning));
        }

        return config;
    }

    private string? LoadCa(DoctorReport report, ProxyConfig config)
    {
        string caPem;
        try
        {
            caPem = File.ReadAllText(options.CaPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            report.Add(DoctorCheck.Fail(DoctorLayer.Config, options.CaPath, "ca", $"cannot read the CA: {ex.Message}", null, "Pass the registered CA certificate with --ca (data/ca.crt)"));
            return null;
        }

        var rules = CertificateChecker.CheckCa(caPem);
        if (!rules.Passed)
        {
            var failed = rules.Failures.First();
            report.Add(DoctorCheck.Fail(DoctorLayer.Config, Path.GetFileName(options.CaPath), "ca", $"{failed.RuleId}: {failed.Detail} (the Console refuses such a CA)", null, failed.Fix));
            return null;
        }

        report.Add(DoctorCheck.Pass(DoctorLayer.Config, Path.GetFileName(options.CaPath), "ca", $"CA certificate rules pass (CA:TRUE, keyCertSign, key identifiers, validity); sha256 {CertificateFingerprint.Sha256Hex(caPem)[..16]}…"));
        CompareCertificateDomain(report, config, caPem);
        return caPem;
    }

    /// <summary>A tls.crt for another domain than tunnel_domain means one of them is wrong (troubleshooting rows "no route" and "bad certificate"); say which names differ.</summary>
    private void CompareCertificateDomain(DoctorReport report, ProxyConfig config, string caPem)
    {
        string certPem;
        try
        {
            certPem = File.ReadAllText(config.Tls.CertFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return; // outside the container the path may not exist; layer (b) checks what the proxy serves
        }

        var domain = options.Domain ?? config.TunnelDomain;
        if (domain.Length == 0)
        {
            return;
        }

        try
        {
            var san = CertificateChecker.CheckServer(certPem, caPem, domain, ServerNameKind.TunnelDomain).Find(CertificateRules.ServerSan.Id);
            if (san is { Passed: false })
            {
                report.Add(DoctorCheck.Warn(DoctorLayer.Config, Path.GetFileName(config.Tls.CertFile), "domain", $"{san.Detail}; tunnel_domain and the certificate disagree", "Check tunnel_domain against the Console (troubleshooting \"no route\"), or re-issue the certificate for it (troubleshooting \"bad certificate\")"));
            }
        }
        catch (CryptographicException)
        {
        }
    }

    /// <summary>
    /// The skipped layers, then (with <c>--admin</c>) the proxy's own view, whatever the walk found: its readiness
    /// and counters say why a layer broke, or what broke for real traffic although every probe passed.
    /// </summary>
    private async Task<int> FinishAsync(DoctorReport report, CancellationToken cancellationToken, params DoctorLayer[] skipped)
    {
        foreach (var layer in skipped)
        {
            DoctorReportWriter.WriteSkipped(output, layer);
        }

        if (options.OAuthUrl is not null && skipped.Length > 0)
        {
            DoctorReportWriter.WriteSkipped(output, DoctorLayer.OAuth);
        }

        if (options.AdminUri is { } admin)
        {
            await AdminProbe.RunAsync(admin, report, options.Timeout, cancellationToken, options.ConfigPath);
        }

        DoctorReportWriter.WriteVerdict(output, report);
        return report.Passed ? 0 : 1;
    }

    private static X509Certificate2Collection TrustOnly(string caPem) => [.. PemBundle.ReadCertificates(caPem)];

    private static Uri DefaultProxyUri(ListenAddress listen) => new($"ws://{listen.LocalDialHost}:{listen.Port}/");
}
