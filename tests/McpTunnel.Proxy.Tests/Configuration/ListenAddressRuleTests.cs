using System.Net;
using McpTunnel.Common.Net;

namespace McpTunnel.Proxy.Tests.Configuration;

/// <summary>The one listen-address rule the proxy's listen_addr/admin_addr and the CLI's --listen flags share.</summary>
public sealed class ListenAddressRuleTests
{
    [Theory]
    [InlineData(":8080", "", 8080, "0.0.0.0:8080", ":8080")]
    [InlineData("127.0.0.1:0", "127.0.0.1", 0, "127.0.0.1:0", "127.0.0.1:0")]
    [InlineData("localhost:9090", "localhost", 9090, "127.0.0.1:9090", "localhost:9090")]
    [InlineData("[::1]:8443", "::1", 8443, "[::1]:8443", "[::1]:8443")]
    [InlineData("[::]:8080", "::", 8080, "[::]:8080", "[::]:8080")]
    public void ValidAddress_IsReadAndWrittenBackAsGiven(string text, string host, int port, string endPoint, string written)
    {
        Assert.True(ListenAddress.TryParse(text, out var address, out var problem), problem);
        Assert.Equal(new ListenAddress(host, port), address);
        Assert.Equal(IPEndPoint.Parse(endPoint), address!.ToEndPoint());
        Assert.Equal(written, address.ToString());
    }

    [Theory]
    [InlineData("8080", "is not host:port")]
    [InlineData("127.0.0.1", "is not host:port")]
    [InlineData("127.0.0.1:", "is not host:port")]
    [InlineData("127.0.0.1:65536", "is not host:port")]
    [InlineData("127.0.0.1:-1", "is not host:port")]
    [InlineData("127.0.0.1: 80", "is not host:port")]
    [InlineData("[::1]", "is not host:port")]
    [InlineData("example.com:8080", "host \"example.com\" is not an IP address")]
    [InlineData("*:8080", "host \"*\" is not an IP address")]
    [InlineData("::1:8080", "must be in brackets, as in [::1]:8080")]
    public void InvalidAddress_IsRefusedSayingWhy(string text, string problemPart)
    {
        Assert.False(ListenAddress.TryParse(text, out var address, out var problem));
        Assert.Null(address);
        Assert.Contains(problemPart, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1", 9005, "127.0.0.1:9005")]
    [InlineData("[::1]", 9006, "[::1]:9006")]
    [InlineData("localhost", 9007, "localhost:9007")]
    [InlineData("", 9008, ":9008")]
    [InlineData("127.0.0.1:9000", 8123, "127.0.0.1:8123")]
    [InlineData("[::1]:9000", 0, "[::1]:0")]
    public void WithAPortFlag_ThePortCompletesABareHostOrReplacesTheGivenOne(string text, int port, string written)
    {
        Assert.True(ListenAddress.TryParse(text, port, out var address, out var problem), problem);
        Assert.Equal(written, address!.ToString());
    }

    [Theory]
    [InlineData("example.com", "host \"example.com\" is not an IP address")]
    [InlineData("example.com:80", "host \"example.com\" is not an IP address")]
    [InlineData("*", "host \"*\" is not an IP address")]
    [InlineData("::1:8080", "must be in brackets, as in [::1]:9000")]
    public void WithAPortFlag_TheHostFollowsTheSameRule(string text, string problemPart)
    {
        Assert.False(ListenAddress.TryParse(text, 9000, out var address, out var problem));
        Assert.Null(address);
        Assert.Contains(problemPart, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(":9090", "127.0.0.1")]
    [InlineData("0.0.0.0:9090", "127.0.0.1")]
    [InlineData("[::]:9090", "[::1]")]
    [InlineData("[::1]:9090", "[::1]")]
    [InlineData("10.0.0.5:9090", "10.0.0.5")]
    public void LocalDialHost_ReachesAnEveryInterfaceListenerOnLoopback(string text, string dial)
    {
        Assert.True(ListenAddress.TryParse(text, out var address, out _));
        Assert.Equal(dial, address!.LocalDialHost);
    }
}
