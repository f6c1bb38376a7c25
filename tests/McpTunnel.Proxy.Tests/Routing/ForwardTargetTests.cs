using McpTunnel.Proxy.Routing;

namespace McpTunnel.Proxy.Tests.Routing;

/// <summary>The per-target destination cache hands out exactly the URI a fresh parse would, and reuses it only for the same path.</summary>
public sealed class ForwardTargetTests
{
    private static ForwardTarget Target() => new(
        "http://10.0.0.5:8080", null, addForwardedHeaders: true, TimeSpan.FromSeconds(30), System.Net.HttpVersion.Version11, HttpVersionPolicy.RequestVersionOrLower);

    [Fact]
    public void SamePathTwice_ReturnsTheSameUriInstance()
    {
        var target = Target();

        var first = target.DestinationFor("/mcp");
        var second = target.DestinationFor("/mcp");

        Assert.Same(first, second);
        Assert.Equal("http://10.0.0.5:8080/mcp", second.AbsoluteUri);
    }

    [Theory]
    [InlineData("/mcp?session=a%2Fb&x=1")]
    [InlineData("/a%20b/c")]
    [InlineData("/")]
    public void AnotherPath_IsParsedAgain_AndMatchesWhatHttpRequestMessageWouldBuild(string pathAndQuery)
    {
        var target = Target();
        var mcp = target.DestinationFor("/mcp");

        var uri = target.DestinationFor(pathAndQuery);
        using var message = new HttpRequestMessage(HttpMethod.Post, "http://10.0.0.5:8080" + pathAndQuery);
        var reference = message.RequestUri!;

        Assert.NotSame(mcp, uri);
        Assert.Equal(reference.AbsoluteUri, uri.AbsoluteUri);
        Assert.Equal(reference.PathAndQuery, uri.PathAndQuery);
    }
}
