using System.Net.Sockets;
using System.Net;
using McpTunnel.Pki.Issuing;
using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Hosting;
using McpTunnel.Testing;

namespace McpTunnel.Cli.Tests.Infrastructure;

/// <summary>
/// A tunnel stack in-process on 127.0.0.1: a CA and server certificate from our PKI in a temp dir, a proxy
/// config, and (once started) a real <see cref="ProxyServer"/>. Tests break one thing at a time.
/// </summary>
internal sealed class TestStack : IAsyncDisposable
{
    public const string Domain = "abcd1234.tunnel.test";
    public const string LoopbackAllowed = "upstream:\n  allowed_ips: [127.0.0.0/8]\n";

    private readonly TempDirectory _directory = new();
    private ProxyServer? _server;

    public TestStack()
    {
        Authority = CertificateAuthority.Create();
        File.WriteAllText(CaFile, Authority.CertificatePem);
        WriteServer(Authority.IssueServerCertificate(new ServerCertificateRequest(Domain)));
    }

    public CertificateAuthority Authority { get; }

    public string CaFile => _directory.Combine("ca.crt");

    public string CertFile => _directory.Combine("tls.crt");

    public string KeyFile => _directory.Combine("tls.key");

    public string ConfigPath => _directory.Combine("config.yaml");

    public string Directory => _directory.Path;

    public Uri ProxyUri => new($"ws://127.0.0.1:{_server!.ListenUri.Port}/");

    /// <summary>The started proxy's admin listener, when the config has <c>admin_addr</c>.</summary>
    public Uri? AdminUri => _server?.Observability.AdminUri;

    public void WriteServer(IssuedCertificate certificate)
    {
        File.WriteAllText(CertFile, certificate.CertificatePem);
        File.WriteAllText(KeyFile, certificate.PrivateKeyPem);
    }

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
        var config = ProxyConfigLoader.Load(configPath ?? ConfigPath).Config;
        _server = ProxyServer.Create(config, new ProxyServerOptions { LogToConsole = false, HandleStopSignals = false });
        await _server.StartAsync();
    }

    /// <summary>A port nothing listens on (bound, then released).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.StopAsync();
            await _server.DisposeAsync();
        }

        Authority.Dispose();
        _directory.Dispose();
    }
}
