using System.Net;
using System.Net.Security;
using McpTunnel.TunnelClient;
using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Hosting;

namespace McpTunnel.Proxy.Tests.Infrastructure;

/// <summary>
/// A real <see cref="ProxyServer"/> on 127.0.0.1:0 with certificates from our PKI, its logs captured, and
/// tunnel clients that speak WebSocket → TLS (trusting only the CA) → HTTP/1.1 or HTTP/2, as the edge does.
/// </summary>
internal sealed class TestProxy(TestPki pki, ProxyServer server, LogCapture logs, string configPath, string shutdownTimeout) : IAsyncDisposable
{
    private readonly List<IDisposable> _clients = [];

    public TestPki Pki { get; } = pki;

    internal ProxyServer Server { get; } = server;

    public LogCapture Logs { get; } = logs;

    public string ConfigPath { get; } = configPath;

    public Uri WebSocketUri => Server.WebSocketUri();

    /// <summary>Starts a proxy; <paramref name="routesYaml"/> are the lines under <c>routes:</c>, <paramref name="extraYaml"/> is appended.</summary>
    public static async Task<TestProxy> StartAsync(string routesYaml, string extraYaml = "upstream:\n  allowed_ips: [127.0.0.0/8]\n", TestPki? pki = null, TimeProvider? time = null, string shutdownTimeout = "5s", IReadOnlyDictionary<string, string?>? telemetryEnvironment = null, TextWriter? auditStdout = null)
    {
        pki ??= new TestPki();
        var yaml = ConfigYaml(pki, routesYaml, extraYaml, shutdownTimeout);
        var configPath = Path.Combine(pki.Directory, "config.yaml");
        await File.WriteAllTextAsync(configPath, yaml);
        var loaded = ProxyConfigLoader.Load(configPath);
        var config = loaded.Config;
        var logs = new LogCapture();
        var server = await TestProxyServer.StartAsync(config, new ProxyServerOptions
        {
            ConfigureLogging = logging => logging.AddProvider(logs),
            TimeProvider = time ?? TimeProvider.System,
            TelemetryEnvironment = telemetryEnvironment,
            ConfigPath = configPath,
            ConfigSha256 = loaded.Sha256,
            AuditStdout = auditStdout,
        }, loaded.Hash);
        return new TestProxy(pki, server, logs, configPath, shutdownTimeout);
    }

    /// <summary>The config file <see cref="StartAsync"/> writes: the fixed head (listener, domain, certificate) and the given routes and keys.</summary>
    public static string ConfigYaml(TestPki pki, string routesYaml, string extraYaml = "upstream:\n  allowed_ips: [127.0.0.0/8]\n", string shutdownTimeout = "5s")
    {
        return $"""
            listen_addr: "127.0.0.1:0"
            tunnel_domain: {pki.TunnelDomain}
            log_level: debug
            shutdown_timeout: {shutdownTimeout}
            tls:
              cert_file: {pki.CertFile}
              key_file: {pki.KeyFile}
              reload_interval: 1h
            routes:
            {Indent(routesYaml)}
            {extraYaml}
            """;
    }

    /// <summary>Rewrites the config file with new routes and keys (same head) and reloads it, as SIGHUP would.</summary>
    internal ConfigReloadOutcome Reload(string routesYaml, string extraYaml = "upstream:\n  allowed_ips: [127.0.0.0/8]\n")
    {
        File.WriteAllText(ConfigPath, ConfigYaml(Pki, routesYaml, extraYaml, shutdownTimeout));
        return Server.ReloadConfig("test")!;
    }

    public static Task<TestProxy> StartForUpstreamAsync(TestUpstream upstream, string extraYaml = "upstream:\n  allowed_ips: [127.0.0.0/8]\n") =>
        StartAsync($"echo: http://127.0.0.1:{upstream.Port}", extraYaml);

    public static Task<TestProxy> StartForUpstreamAsync(RawUpstream upstream) =>
        StartAsync($"echo: http://127.0.0.1:{upstream.Port}");

    public string HostFor(string route) => $"{route}.{Pki.TunnelDomain}";

    public Uri UrlFor(string route, string pathAndQuery) => new($"https://{HostFor(route)}{pathAndQuery}");

    internal TunnelConnector CreateConnector(params System.Security.Cryptography.X509Certificates.X509Certificate2[] trusted) =>
        new(WebSocketUri, new TunnelServerValidator(trusted.Length > 0 ? [.. trusted] : Pki.TrustedCas));

    /// <summary>An HttpClient whose connections are tunnels; <paramref name="http2"/> negotiates h2 inside TLS.</summary>
    public HttpClient CreateClient(bool http2 = false, TunnelConnector? connector = null)
    {
        var handler = (connector ?? CreateConnector()).CreateHttpHandler();
        var client = new HttpClient(handler)
        {
            DefaultRequestVersion = http2 ? HttpVersion.Version20 : HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(60),
        };
        _clients.Add(client);
        return client;
    }

    /// <summary>A raw inner TLS session (for malformed HTTP and other byte-level cases).</summary>
    public async Task<SslStream> OpenTlsAsync(string route = "echo", string alpn = "http/1.1")
    {
        var connector = CreateConnector();
        return await connector.ConnectTlsAsync(HostFor(route), [new SslApplicationProtocol(alpn)], CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        await Server.StopAndDisposeAsync();
        Pki.Dispose();
    }

    private static string Indent(string lines) =>
        string.Join("\n", lines.Split('\n').Select((l, i) => i == 0 ? "  " + l.Trim() : "  " + l.Trim()));
}
