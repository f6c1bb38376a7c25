using System.Net;
using System.Net.Sockets;
using McpTunnel.Proxy.Tests.Infrastructure;

namespace McpTunnel.Proxy.Tests.Egress;

/// <summary>
/// The SSRF defence through the real forwarder: loopback in every spelling is refused under the default policy,
/// and a canary listener proves no connection was ever made. Public addresses are refused by decision only
/// (no traffic leaves this machine).
/// </summary>
public sealed class EgressEndToEndTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.1")]
    [InlineData("0x7f.1")]
    [InlineData("2130706433")]
    [InlineData("localhost")]
    public async Task LoopbackUpstream_DefaultPolicy_IsRefusedWithoutConnecting(string host)
    {
        using var canary = new TcpListener(IPAddress.Loopback, 0);
        canary.Start();
        var port = ((IPEndPoint)canary.LocalEndpoint).Port;
        await using var proxy = await TestProxy.StartAsync($"echo: http://{host}:{port}", extraYaml: "");

        using var response = await proxy.CreateClient().GetAsync(proxy.UrlFor("echo", "/mcp"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var denied = await proxy.Logs.WaitForMessageAsync("IP validation failed");
        Assert.Equal("IP validation failed: 127.0.0.1 is not a private address", denied.Message);
        Assert.False(canary.Pending(), "the proxy connected to a refused address");
    }

    [Fact]
    public async Task Ipv4MappedLoopbackLiteral_IsRefusedWithoutConnecting()
    {
        // A literal ::ffff:127.0.0.1 upstream is rejected at load (IPv6 syntax), so exercise the connector directly.
        using var canary = new TcpListener(IPAddress.Loopback, 0);
        canary.Start();
        var logs = new LogCapture();
        var policy = new McpTunnel.Proxy.Egress.EgressPolicy(new McpTunnel.Proxy.Configuration.UpstreamSettings());
        var connector = new McpTunnel.Proxy.Egress.EgressConnector(policy, new Microsoft.Extensions.Logging.LoggerFactory([logs]).CreateLogger("t"));
        using var handler = new SocketsHttpHandler { ConnectCallback = connector.ConnectAsync };
        using var client = new HttpClient(handler);

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync($"http://[::ffff:127.0.0.1]:{((IPEndPoint)canary.LocalEndpoint).Port}/"));

        Assert.IsType<McpTunnel.Proxy.Egress.EgressDeniedException>(ex.InnerException);
        Assert.True(logs.Contains("IP validation failed: 127.0.0.1 is not a private address"));
        Assert.False(canary.Pending());
    }

    [Fact]
    public async Task RefusedLiteralUpstream_IsReportedAtStartup()
    {
        await using var proxy = await TestProxy.StartAsync("echo: http://127.0.0.1:9", extraYaml: "");

        var warning = await proxy.Logs.WaitForMessageAsync("config warning");
        Assert.Contains("routes.echo: upstream address 127.0.0.1 is refused by IP validation", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublicUpstream_DefaultPolicy_IsRefused()
    {
        await using var proxy = await TestProxy.StartAsync("echo: http://8.8.8.8:80", extraYaml: "");

        using var response = await proxy.CreateClient().GetAsync(proxy.UrlFor("echo", "/mcp"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("Upstream address not allowed by the proxy's IP validation", await response.Content.ReadAsStringAsync());
        Assert.True(proxy.Logs.Contains("IP validation failed: 8.8.8.8 is not a private address"));
    }

    [Fact]
    public async Task ConfiguredRange_AllowsLoopback()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartAsync($"echo: http://localhost:{upstream.Port}", "upstream:\n  allowed_ips:\n    - 127.0.0.0/8  # loopback, for local testing only\n");

        using var response = await proxy.CreateClient().GetAsync(proxy.UrlFor("echo", "/echo"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task DisabledValidation_AllowsLoopback()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartAsync($"echo: http://127.0.0.1:{upstream.Port}", "upstream:\n  disable_ip_validation: true\n");

        using var response = await proxy.CreateClient().GetAsync(proxy.UrlFor("echo", "/echo"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
