using System.Net;
using System.Security.Cryptography.X509Certificates;
using McpTunnel.Cli.Edge;
using McpTunnel.Cli.Hello;
using McpTunnel.Pki.Issuing;
using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Hosting;

namespace McpTunnel.Cli.Demo;

/// <summary>
/// The whole tunnel on one machine, on real loopback sockets: a throwaway CA and server certificate, the sample
/// MCP server, <c>mcp-proxy</c>, and the edge stand-in, wired exactly as a deployment would be.
/// <code>
///   MCP client ─HTTP─▶ edge (Edge) ─WebSocket─▶ mcp-proxy ═inner TLS═ ─HTTP─▶ hello (Upstream)
/// </code>
/// </summary>
internal sealed class DemoStack : IAsyncDisposable
{
    public const string TunnelDomain = "demo.tunnel.localhost";
    public const string Route = "echo";

    private DemoStack(string directory, HelloServer hello, ProxyServer proxy, EdgeServer edge, string configYaml)
    {
        Directory = directory;
        Hello = hello;
        Proxy = proxy;
        Edge = edge;
        ConfigYaml = configYaml;
    }

    public string Directory { get; }

    public HelloServer Hello { get; }

    internal ProxyServer Proxy { get; }

    public EdgeServer Edge { get; }

    /// <summary>The proxy config the demo runs with, as an operator would write it.</summary>
    public string ConfigYaml { get; }

    public Uri McpUrl => new(Edge.BaseUri, "/mcp");

    public static async Task<DemoStack> StartAsync(IPEndPoint edgeListen, Action<ILoggingBuilder>? proxyLogging, CancellationToken cancellationToken, IReadOnlyList<string>? allowedHosts = null)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("mcptunnel-demo-").FullName;
        using var ca = CertificateAuthority.Create();
        var caFile = ca.WriteCertificate(Path.Combine(directory, "ca.crt"));
        var (certFile, keyFile) = ca.WriteServerCertificate(directory, TunnelDomain);

        var hello = await HelloServer.StartAsync(HelloServerOptions.Loopback(), cancellationToken);
        var configYaml = $"""
            listen_addr: "127.0.0.1:0"
            tunnel_domain: {TunnelDomain}
            tls:
              cert_file: {certFile}
              key_file: {keyFile}
            routes:
              {Route}: http://127.0.0.1:{hello.BoundEndPoint.Port}
            upstream:
              allowed_ips:
                - 127.0.0.0/8  # loopback, for local testing only
            """;
        var configPath = Path.Combine(directory, "config.yaml");
        await File.WriteAllTextAsync(configPath, configYaml, cancellationToken);
        var config = ProxyConfigLoader.Load(configPath).Config;
        var proxy = ProxyServer.Create(config, new ProxyServerOptions
        {
            LogToConsole = false,
            HandleStopSignals = false,
            ConfigureLogging = proxyLogging,
        });
        await proxy.StartAsync(cancellationToken);

        X509Certificate2Collection cas = [X509CertificateLoader.LoadCertificate(ca.Certificate.RawData)];
        var proxyWs = new Uri($"ws://127.0.0.1:{proxy.ListenUri.Port}/");
        var edge = await EdgeServer.StartAsync(new EdgeServerOptions(edgeListen, proxyWs, cas, TunnelDomain, Route) { AllowedHosts = allowedHosts ?? [] }, null, cancellationToken);
        return new DemoStack(directory, hello, proxy, edge, configYaml);
    }

    public async ValueTask DisposeAsync()
    {
        await Edge.DisposeAsync();
        await Proxy.StopAsync();
        await Proxy.DisposeAsync();
        await Hello.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
