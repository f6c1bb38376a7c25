using System.Net;
using System.Text;
using McpTunnel.Proxy.Tests.Infrastructure;

namespace McpTunnel.Proxy.Tests.EndToEnd;

public sealed class SmokeTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task JsonPost_ThroughTunnel_ReachesUpstream(bool http2)
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        var client = proxy.CreateClient(http2);

        using var response = await client.PostAsync(proxy.UrlFor("echo", "/echo/mcp?x=1"), new StringContent("{\"jsonrpc\":\"2.0\"}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(http2 ? HttpVersion.Version20 : HttpVersion.Version11, response.Version);
        var echo = EchoResponse.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("POST", echo.Method);
        Assert.Equal("/echo/mcp?x=1", echo.PathAndQuery);
        Assert.Equal("{\"jsonrpc\":\"2.0\"}", echo.Body);
    }
}
