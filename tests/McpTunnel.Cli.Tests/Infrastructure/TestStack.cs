using McpTunnel.Pki.Issuing;
using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Hosting;
using McpTunnel.Testing;

namespace McpTunnel.Cli.Tests.Infrastructure;

/// <summary>
/// The shared test tunnel stack (<see cref="TestPki"/>'s certificates, <see cref="TestProxyServer"/>) with what the CLI's
/// tests add: a config file written the way an operator writes one, for the commands that read it (check, doctor,
/// edge, top) and for the proxy started from it.
/// </summary>
internal sealed class TestStack : IAsyncDisposable
{
    public const string Domain = TestPki.Domain;
    public const string LoopbackAllowed = "upstream:\n  allowed_ips: [127.0.0.0/8]\n";

    private readonly TestPki _pki = new();
    private ProxyServer? _server;

    public CertificateAuthority Authority => _pki.Authority;

    public string CaFile => _pki.CaFile;

    public string CertFile => _pki.CertFile;

    public string KeyFile => _pki.KeyFile;

    public string ConfigPath => Path.Combine(Directory, "config.yaml");

    public string Directory => _pki.Directory;

    public Uri ProxyUri => _server!.WebSocketUri();

    /// <summary>The started proxy's admin listener, when the config has <c>admin_addr</c>.</summary>
    public Uri? AdminUri => _server?.Observability.AdminUri;

    internal ProxyServer Server => _server ?? throw new InvalidOperationException("the proxy is not started");

    public void WriteServer(IssuedCertificate certificate) => _pki.WriteServer(certificate);

    /// <summary>Writes the config; <paramref name="routes"/> are <c>key: upstream</c> lines.</summary>
    public string WriteConfig(string routes, string extra = LoopbackAllowed, string tunnelDomain = Domain, string listen = "127.0.0.1:0", string? path = null)
    {
        var yaml = $"listen_addr: \"{listen}\"\ntunnel_domain: {tunnelDomain}\nlog_level: error\nshutdown_timeout: 2s\ntls:\n  cert_file: {CertFile}\n  key_file: {KeyFile}\nroutes:\n"
            + string.Concat(routes.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => $"  {l.Trim()}\n"))
            + extra;
        File.WriteAllText(path ?? ConfigPath, yaml);
        return path ?? ConfigPath;
    }

    public async Task StartProxyAsync(string? configPath = null)
    {
        var loaded = ProxyConfigLoader.Load(configPath ?? ConfigPath);
        _server = await TestProxyServer.StartAsync(loaded.Config, new ProxyServerOptions { ConfigPath = configPath ?? ConfigPath, ConfigSha256 = loaded.Sha256 }, loaded.Hash);
    }

    /// <summary>Stops the proxy the way a shutdown does (what it writes on the way out, such as audit records, is written).</summary>
    public async Task StopProxyAsync()
    {
        if (_server is not null)
        {
            await _server.StopAndDisposeAsync();
            _server = null;
        }
    }

    /// <summary>A port nothing listens on (bound, then released).</summary>
    public static int FreePort() => McpTunnel.Testing.FreePort.OnLoopback();

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.StopAndDisposeAsync();
        }

        _pki.Dispose();
    }
}
