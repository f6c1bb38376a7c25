using System.Net;
using McpTunnel.Proxy.Tests.Infrastructure;

namespace McpTunnel.Proxy.Tests.Routing;

/// <summary>
/// Issue 13 item 1: <c>upstream.host_header</c> through real tunnels to a real upstream that checks Host
/// (ASP.NET Core host filtering). X-Forwarded-Host carries the caller's Host whatever the setting.
/// </summary>
public sealed class UpstreamHostTests
{
    [Fact]
    public async Task HostCheckingUpstream_DefaultSetting_RefusesTheTunnelsHost()
    {
        await using var upstream = await HostCheckingUpstream.StartAsync("127.0.0.1", "localhost");
        await using var proxy = await TestProxy.StartAsync($"echo: http://127.0.0.1:{upstream.Port}");

        using var response = await proxy.CreateClient().GetAsync(proxy.UrlFor("echo", "/host"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task HostCheckingUpstream_HostHeaderUpstream_GetsItsOwnHostAndTheOriginalInForwardedHost(bool http2)
    {
        await using var upstream = await HostCheckingUpstream.StartAsync("127.0.0.1");
        await using var proxy = await TestProxy.StartAsync(
            $"echo: http://127.0.0.1:{upstream.Port}",
            "upstream:\n  allowed_ips: [127.0.0.0/8]\n  host_header:\n    echo: upstream\n");

        using var response = await proxy.CreateClient(http2).GetAsync(proxy.UrlFor("echo", "/host"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"127.0.0.1:{upstream.Port}|{proxy.HostFor("echo")}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task HostCheckingUpstream_LiteralHostHeader_IsSentVerbatim()
    {
        await using var upstream = await HostCheckingUpstream.StartAsync("localhost");
        await using var proxy = await TestProxy.StartAsync(
            $"echo: http://127.0.0.1:{upstream.Port}",
            "upstream:\n  allowed_ips: [127.0.0.0/8]\n  host_header:\n    echo: localhost:3000\n");

        using var response = await proxy.CreateClient().GetAsync(proxy.UrlFor("echo", "/host"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"localhost:3000|{proxy.HostFor("echo")}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task HostHeaderOriginal_OnOneRoute_LeavesOtherRoutesTheirOwnSetting()
    {
        await using var upstream = await HostCheckingUpstream.StartAsync("*");
        await using var proxy = await TestProxy.StartAsync(
            $"echo: http://127.0.0.1:{upstream.Port}\nother: http://127.0.0.1:{upstream.Port}",
            "upstream:\n  allowed_ips: [127.0.0.0/8]\n  host_header:\n    echo: original\n    other: upstream\n");
        var client = proxy.CreateClient();

        var echo = await client.GetStringAsync(proxy.UrlFor("echo", "/host"));
        var other = await client.GetStringAsync(proxy.UrlFor("other", "/host"));

        Assert.Equal($"{proxy.HostFor("echo")}|{proxy.HostFor("echo")}", echo);
        Assert.Equal($"127.0.0.1:{upstream.Port}|{proxy.HostFor("other")}", other);
    }
}
