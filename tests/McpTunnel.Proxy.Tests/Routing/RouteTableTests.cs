using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Routing;

namespace McpTunnel.Proxy.Tests.Routing;

/// <summary>Routing on the hostname alone: exact key, then subdomain; case, port, trailing dot and no-route edge cases.</summary>
public sealed class RouteTableTests
{
    private static readonly RouteTable Table = new(
        [
            new RouteDefinition("echo", new UpstreamAddress("http", "hello-mcp", 9000)),
            new RouteDefinition("auth", new UpstreamAddress("http", "auth", 8080)),
            new RouteDefinition("echo.abcd.tunnel.test", new UpstreamAddress("http", "exact", 1)),
            new RouteDefinition("a.b", new UpstreamAddress("http", "multi", 1)),
        ],
        "abcd.tunnel.test");

    [Theory]
    [InlineData("auth.abcd.tunnel.test", "auth", "Subdomain")]
    [InlineData("AUTH.ABCD.Tunnel.Test", "auth", "Subdomain")]
    [InlineData("auth.abcd.tunnel.test:443", "auth", "Subdomain")]
    [InlineData("auth.abcd.tunnel.test.", "auth", "Subdomain")]
    [InlineData("echo.abcd.tunnel.test", "echo.abcd.tunnel.test", "Exact")]
    [InlineData("echo", "echo", "Exact")]
    [InlineData("a.b.abcd.tunnel.test", "a.b", "Subdomain")]
    public void Host_MatchesExpectedRoute(string host, string key, string kind)
    {
        var match = Table.Match(host);
        Assert.Equal(key, match.Route?.Key);
        Assert.Equal(kind, match.Kind.ToString());
    }

    [Theory]
    [InlineData("abcd.tunnel.test")]
    [InlineData("other.abcd.tunnel.test")]
    [InlineData("auth.other.test")]
    [InlineData("authabcd.tunnel.test")]
    [InlineData("")]
    [InlineData(":443")]
    public void Host_WithoutRoute_DoesNotMatch(string host) => Assert.Null(Table.Match(host).Route);

    [Fact]
    public void PublicHostName_JoinsBareKeysWithTunnelDomain()
    {
        Assert.Equal("auth.abcd.tunnel.test", Table.PublicHostName(Table.Match("auth.abcd.tunnel.test").Route!));
        Assert.Equal("echo.abcd.tunnel.test", Table.PublicHostName(Table.Match("echo.abcd.tunnel.test").Route!));
    }
}
