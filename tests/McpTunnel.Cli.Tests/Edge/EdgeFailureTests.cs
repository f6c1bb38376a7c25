using System.Net.Sockets;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using McpTunnel.Cli.Edge;
using McpTunnel.Cli.Hello;
using McpTunnel.Pki.Issuing;
using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Hosting;

namespace McpTunnel.Cli.Tests.Edge;

/// <summary>Issue 3: each broken link gives the MCP client a clear status and message.</summary>
public sealed class EdgeFailureTests : IAsyncLifetime
{
    private const string Domain = "edge.tunnel.localhost";
    private readonly string _dir = Directory.CreateTempSubdirectory("mcptunnel-edge-").FullName;
    private CertificateAuthority _ca = null!;
    private HelloServer _hello = null!;

    public async Task InitializeAsync()
    {
        _ca = CertificateAuthority.Create();
        _hello = await HelloServer.StartAsync(HelloServerOptions.Loopback(), CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _hello.DisposeAsync();
        _ca.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<ProxyServer> StartProxyAsync(IssuedCertificate certificate)
    {
        var cert = Path.Combine(_dir, "tls.crt");
        var key = Path.Combine(_dir, "tls.key");
        await File.WriteAllTextAsync(cert, certificate.CertificatePem);
        await File.WriteAllTextAsync(key, certificate.PrivateKeyPem);
        var yaml = $"listen_addr: \"127.0.0.1:0\"\ntunnel_domain: {Domain}\ntls:\n  cert_file: {cert}\n  key_file: {key}\nroutes:\n  echo: http://127.0.0.1:{_hello.BoundEndPoint.Port}\nupstream:\n  allowed_ips: [127.0.0.0/8]\n";
        var proxy = ProxyServer.Create(ProxyConfigLoader.Parse(yaml).Config, new ProxyServerOptions { LogToConsole = false, HandleStopSignals = false });
        await proxy.StartAsync();
        return proxy;
    }

    private static async Task<(HttpStatusCode Status, string Body)> CallThroughEdgeAsync(Uri proxyWs, X509Certificate2 trusted, string route = "echo")
    {
        await using var edge = await EdgeServer.StartAsync(
            new EdgeServerOptions(new IPEndPoint(IPAddress.Loopback, 0), proxyWs, [X509CertificateLoader.LoadCertificate(trusted.RawData)], Domain, route),
            null,
            CancellationToken.None);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(edge.BaseUri, "/mcp")) { Content = new StringContent("{}") };
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ProxyDown_Gives502NamingTheProxy()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var (status, body) = await CallThroughEdgeAsync(new Uri($"ws://127.0.0.1:{port}/"), _ca.Certificate);

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Contains($"Cannot reach the proxy at ws://127.0.0.1:{port}/", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongCa_Gives502UnknownAuthority()
    {
        await using var proxy = await StartProxyAsync(_ca.IssueServerCertificate(new ServerCertificateRequest(Domain)));
        using var other = CertificateAuthority.Create();

        var (status, body) = await CallThroughEdgeAsync(new Uri($"ws://127.0.0.1:{proxy.ListenUri.Port}/"), other.Certificate);

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Contains("unknown certificate authority", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NameNotCovered_Gives502NameMismatch()
    {
        await using var proxy = await StartProxyAsync(_ca.IssueServerCertificate(new ServerCertificateRequest("other.example")));

        var (status, body) = await CallThroughEdgeAsync(new Uri($"ws://127.0.0.1:{proxy.ListenUri.Port}/"), _ca.Certificate);

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Contains("certificate name mismatch", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExpiredCertificate_Gives502Expired()
    {
        var expired = _ca.IssueServerCertificate(new ServerCertificateRequest(Domain) { NotBefore = DateTimeOffset.UtcNow.AddDays(-30), Validity = TimeSpan.FromDays(1) });
        await using var proxy = await StartProxyAsync(expired);

        var (status, body) = await CallThroughEdgeAsync(new Uri($"ws://127.0.0.1:{proxy.ListenUri.Port}/"), _ca.Certificate);

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Contains("certificate expired", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutFixedRoute_RouteComesFromTheHostsFirstLabel()
    {
        await using var proxy = await StartProxyAsync(_ca.IssueServerCertificate(new ServerCertificateRequest(Domain)));
        await using var edge = await EdgeServer.StartAsync(
            new EdgeServerOptions(new IPEndPoint(IPAddress.Loopback, 0), new Uri($"ws://127.0.0.1:{proxy.ListenUri.Port}/"), [X509CertificateLoader.LoadCertificate(_ca.Certificate.RawData)], Domain),
            null,
            CancellationToken.None);
        using var client = new HttpClient();

        using var byLabel = new HttpRequestMessage(HttpMethod.Post, new Uri(edge.BaseUri, "/mcp")) { Content = new StringContent("{}") };
        byLabel.Headers.Host = $"echo.localhost:{edge.BaseUri.Port}";
        using var routed = await client.SendAsync(byLabel);
        using var bare = await client.PostAsync(new Uri(edge.BaseUri, "/mcp"), new StringContent("{}"));

        // The sample server answers (its own 4xx for a bare "{}" body): the request crossed the tunnel.
        Assert.NotEqual(HttpStatusCode.BadGateway, routed.StatusCode);
        Assert.True(proxy.Tunnels.ActiveTunnels >= 1);
        Assert.Equal(HttpStatusCode.BadRequest, bare.StatusCode);
        Assert.Contains("--route", await bare.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownRoute_Gives502NoRoute()
    {
        await using var proxy = await StartProxyAsync(_ca.IssueServerCertificate(new ServerCertificateRequest(Domain)));

        var (status, body) = await CallThroughEdgeAsync(new Uri($"ws://127.0.0.1:{proxy.ListenUri.Port}/"), _ca.Certificate, route: "nosuch");

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Equal("No route configured for host", body);
    }
}
