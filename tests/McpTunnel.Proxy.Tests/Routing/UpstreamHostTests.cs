using System.Net;
using McpTunnel.Proxy.Tests.Infrastructure;

namespace McpTunnel.Proxy.Tests.Routing;

/// <summary>
/// <c>upstream.host_header</c> through real tunnels to a real upstream that checks Host
/// (ASP.NET Core host filtering). X-Forwarded-Host carries the caller's Host whatever the setting.
/// </summary>
public sealed class UpstreamHostTests
{
    [Fact]
    public async Task HostCheckingUpstream_DefaultSetting_RefusesTheTunnelsHost()
    {
        var (status, _, _, _) = await GetHostAsync(["127.0.0.1", "localhost"], hostHeader: null);

        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task HostCheckingUpstream_HostHeaderUpstream_GetsItsOwnHostAndTheOriginalInForwardedHost(bool http2)
    {
        var (status, seen, upstream, caller) = await GetHostAsync(["127.0.0.1"], hostHeader: "upstream", http2);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal($"{upstream}|{caller}", seen);
    }

    [Fact]
    public async Task HostCheckingUpstream_LiteralHostHeader_IsSentVerbatim()
    {
        var (status, seen, _, caller) = await GetHostAsync(["localhost"], hostHeader: "localhost:3000");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal($"localhost:3000|{caller}", seen);
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

    /// <summary>
    /// A GET of <c>/host</c> on route <c>echo</c>, whose upstream allows only <paramref name="allowedHosts"/>, with
    /// <c>host_header: echo:</c> set to <paramref name="hostHeader"/> (null: not set). Seen is the upstream's
    /// <c>Host|X-Forwarded-Host</c>; Upstream is the upstream's own host:port and Caller the Host the caller sent.
    /// </summary>
    private static async Task<(HttpStatusCode Status, string Seen, string Upstream, string Caller)> GetHostAsync(string[] allowedHosts, string? hostHeader, bool http2 = false)
    {
        await using var upstream = await HostCheckingUpstream.StartAsync(allowedHosts);
        await using var proxy = await TestProxy.StartAsync(
            $"echo: http://127.0.0.1:{upstream.Port}",
            "upstream:\n  allowed_ips: [127.0.0.0/8]\n" + (hostHeader is null ? "" : $"  host_header:\n    echo: {hostHeader}\n"));

        using var response = await proxy.CreateClient(http2).GetAsync(proxy.UrlFor("echo", "/host"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), $"127.0.0.1:{upstream.Port}", proxy.HostFor("echo"));
    }
}
