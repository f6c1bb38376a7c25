using McpTunnel.Proxy.Egress;
using System.Security.Cryptography;
using McpTunnel.Pki.Rules;
using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Routing;

namespace McpTunnel.Cli.Check;

/// <summary>
/// What <c>mcptunnel check</c> found, before it is printed as text or JSON: the proxy loader's errors or the
/// loaded routes, its warnings, the served certificate's rule failures and each <c>--explain</c> walk.
/// Exit 1 on errors, or when an explained request would not be forwarded.
/// </summary>
internal sealed class ConfigCheckReport
{
    public required string ConfigPath { get; init; }

    public required IReadOnlyList<string> MappedPaths { get; init; }

    public IReadOnlyList<ConfigError> Errors { get; init; } = [];

    /// <summary>Null when the config did not load (then <see cref="Errors"/> is not empty).</summary>
    public ProxyConfig? Config { get; init; }

    public IReadOnlyList<CheckedRoute> Routes { get; init; } = [];

    public IReadOnlyList<string> Warnings { get; init; } = [];

    public IReadOnlyList<CertificateFinding> CertificateFindings { get; init; } = [];

    public IReadOnlyList<ExplainedTarget> Explained { get; init; } = [];

    public int ExitCode => Config is null || Explained.Any(e => !e.Forwarded) ? 1 : 0;

    public static async Task<ConfigCheckReport> BuildAsync(ConfigCheckOptions options, HostResolver resolver, CancellationToken cancellationToken)
    {
        var mounts = options.Mounts ?? (PathMount.Guess(options.ConfigPath) is { } guess ? [guess] : []);
        var outcome = ConfigSource.Load(options.ConfigPath, options.TunnelDomain, mounts, "pass the config path as mcptunnel check CONFIG");
        if (outcome.Result is not { } result)
        {
            return new ConfigCheckReport { ConfigPath = options.ConfigPath, MappedPaths = outcome.MappedPaths, Errors = outcome.Errors };
        }

        var config = result.Config;
        var table = new RouteTable(config.Routes, config.TunnelDomain);
        var explainer = new RouteExplainer(config, resolver, options.Call);
        var explained = new List<ExplainedTarget>();
        foreach (var target in options.Explain)
        {
            // The walk is narrated as it is judged; its lines are kept whole for the text report and JSON's "text".
            using var text = new StringWriter();
            var forwarded = await explainer.ExplainAsync(target, text, cancellationToken);
            explained.Add(new ExplainedTarget(target, forwarded, text.ToString()));
        }

        return new ConfigCheckReport
        {
            ConfigPath = options.ConfigPath,
            MappedPaths = outcome.MappedPaths,
            Config = config,
            Routes = [.. table.Routes.Select(r => new CheckedRoute(r.Key, r.Upstream.ToString(), table.PublicHostName(r), r.Definition.HostHeader?.ToString(), r.UpstreamHostHeader, r.Policy?.Describe(), r.Definition.Credential))],
            Warnings = [.. result.Warnings, .. UnreachableUpstreams.Warnings(config.Routes, new EgressPolicy(config.Upstream))],
            CertificateFindings = CheckServerCertificate(config),
            Explained = explained,
        };
    }

    /// <summary>
    /// The certificate the proxy will serve, against the server-certificate rules for tunnel_domain (troubleshooting
    /// "bad certificate", offline). Without the CA only the CA-independent rules can run; <c>certs check --ca</c> and <c>doctor</c>
    /// do the rest.
    /// </summary>
    private static List<CertificateFinding> CheckServerCertificate(ProxyConfig config)
    {
        if (config.TunnelDomain.Length == 0)
        {
            return [];
        }

        try
        {
            var report = CertificateChecker.CheckServer(File.ReadAllText(config.Tls.CertFile), null, config.TunnelDomain, ServerNameKind.TunnelDomain);
            return [.. report.Failures.Select(f => new CertificateFinding(f.RuleId, f.Detail, f.Fix))];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            return [new CertificateFinding(null, ex.Message, null)];
        }
    }
}

/// <summary>
/// A loaded route: its key, upstream, the public name Claude calls, the upstream Host it sends, its MCP policy in words
/// (null: none) and its upstream credential's settings (null: none; its value is never read from it).
/// </summary>
internal sealed record CheckedRoute(string Key, string Upstream, string PublicHost, string? HostHeaderSetting, string? UpstreamHostHeader, IReadOnlyList<string>? Policy, CredentialSettings? Credential = null);

/// <summary>A served-certificate rule that fails (<see cref="RuleId"/> set), or a certificate that could not be read (null).</summary>
internal sealed record CertificateFinding(string? RuleId, string Detail, string? Fix);

/// <summary>One <c>--explain</c> target: whether the request would be forwarded, and the walk in words.</summary>
internal sealed record ExplainedTarget(string Target, bool Forwarded, string Text);
