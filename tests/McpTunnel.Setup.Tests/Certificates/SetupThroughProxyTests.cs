using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using McpTunnel.TunnelClient;
using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Hosting;
using McpTunnel.Setup.Outputs;
using McpTunnel.Setup.Tests.Support;
using McpTunnel.Testing;

namespace McpTunnel.Setup.Tests.Certificates;

/// <summary>
/// What setup writes is what mcp-proxy serves: the output directory feeds a real proxy (with the tunnel domain
/// passed as -tunnel-domain, as the Helm chart does in managed mode), a tunnel client trusting only the output's
/// ca.crt reaches a route, and after renew-cert the proxy serves the new certificate without a restart.
/// </summary>
public sealed class SetupThroughProxyTests
{
    [Fact]
    public async Task InitOutput_ServesInnerTlsThroughMcpProxy_AndRenewalIsPickedUp()
    {
        await using var setup = await SetupHarness.StartInitializedAsync();
        var domain = setup.Read(OutputKeys.TunnelDomain).Trim();
        await using var upstream = await LoopbackServer.StartAsync(context => context.Response.WriteAsync("ok"));

        var yaml = $"""
            listen_addr: "127.0.0.1:0"
            tls:
              cert_file: {Path.Combine(setup.OutputDirectory, "tls.crt")}
              key_file: {Path.Combine(setup.OutputDirectory, "tls.key")}
              reload_interval: 1h
            routes:
              echo: http://127.0.0.1:{upstream.Port}
            upstream:
              allowed_ips: [127.0.0.0/8]
            """;
        var config = ProxyConfigLoader.Parse(yaml, "config.yaml", tunnelDomainOverride: domain).Config;
        await using var proxy = await TestProxyServer.StartAsync(config);
        var connector = new TunnelConnector(proxy.WebSocketUri(), new TunnelServerValidator([X509Certificate2.CreateFromPem(setup.Read(OutputKeys.CaCertificate))]));

        var before = await ServedFingerprintAsync(connector, $"echo.{domain}");
        using (var client = new HttpClient(connector.CreateHttpHandler()))
        {
            Assert.Equal("ok", await client.GetStringAsync(new Uri($"https://echo.{domain}/mcp")));
        }

        Assert.Equal(0, (await setup.RenewAsync()).ExitCode);
        Assert.True(proxy.Certificates.Poll());
        var after = await ServedFingerprintAsync(connector, $"echo.{domain}");

        Assert.NotEqual(before, after);
        Assert.Equal(X509Certificate2.CreateFromPem(setup.Read(OutputKeys.ServerCertificate)).GetCertHashString(HashAlgorithmName.SHA256), after);
        setup.AssertNoSecretsPrinted();
    }

    private static async Task<string> ServedFingerprintAsync(TunnelConnector connector, string host)
    {
        await using var tls = await connector.ConnectTlsAsync(host, [SslApplicationProtocol.Http11], CancellationToken.None);
        return tls.RemoteCertificate!.GetCertHashString(HashAlgorithmName.SHA256);
    }
}
