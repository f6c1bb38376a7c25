using McpTunnel.Proxy.Configuration;

namespace McpTunnel.Proxy.Tests.Configuration.Sections;

/// <summary><c>upstream.host_header</c>: the Host each route's upstream receives, keyed by the routes that exist.</summary>
public sealed class HostHeaderSectionTests : ConfigTestBase
{
    [Fact]
    public void HostHeader_EveryForm_LoadsPerRoute_AndUnsetRoutesKeepTheirDefault()
    {
        var config = Parse(WithHostHeader("    echo: upstream\n    SECURE.: original\n")).Config;
        var routes = config.Routes.ToDictionary(r => r.Key);

        Assert.Equal(UpstreamHostSetting.Upstream, routes["echo"].HostHeader);
        Assert.Equal(UpstreamHostSetting.Original, routes["secure"].HostHeader);
        Assert.Null(routes["plain"].HostHeader);
        Assert.Equal("hello-mcp:9000", McpTunnel.Proxy.Routing.UpstreamHostPolicy.HostHeaderFor(routes["echo"]));
        Assert.Null(McpTunnel.Proxy.Routing.UpstreamHostPolicy.HostHeaderFor(routes["secure"]));
        Assert.Null(McpTunnel.Proxy.Routing.UpstreamHostPolicy.HostHeaderFor(routes["plain"]));
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("localhost:3000")]
    [InlineData("mcp.internal.example")]
    [InlineData("[::1]:3000")]
    public void HostHeader_Literal_IsSentVerbatim(string literal)
    {
        var config = Parse(WithHostHeader($"    echo: \"{literal}\"\n")).Config;
        var echo = config.Routes.Single(r => r.Key == "echo");

        Assert.Equal(UpstreamHostMode.Literal, echo.HostHeader?.Mode);
        Assert.Equal(literal, McpTunnel.Proxy.Routing.UpstreamHostPolicy.HostHeaderFor(echo));
    }

    [Fact]
    public void HttpsRouteWithoutHostHeader_DefaultsToItsOwnName()
    {
        var secure = Parse(WithHostHeader("    echo: original\n")).Config.Routes.Single(r => r.Key == "secure");

        Assert.Equal("api.internal:8443", McpTunnel.Proxy.Routing.UpstreamHostPolicy.HostHeaderFor(secure));
    }

    [Theory]
    [InlineData("    nosuch: upstream\n", "upstream.host_header.nosuch", "is not a routes key", "use a key from routes: (echo, secure, plain)")]
    [InlineData("    echo: http://localhost:3000\n", "upstream.host_header.echo", "a scheme is not allowed", "upstream (sends hello-mcp:9000)")]
    [InlineData("    echo: localhost/mcp\n", "upstream.host_header.echo", "without a path", "localhost:9000")]
    [InlineData("    echo: localhost:99999\n", "upstream.host_header.echo", "port is not a number", "original")]
    [InlineData("    echo: [a, b]\n", "upstream.host_header.echo", "cannot unmarshal !!seq into string", "give one value")]
    public void HostHeader_BadEntry_FailsNamingFieldAndFix(string entry, string field, string message, string fix)
    {
        var error = Assert.Single(ParseFails(WithHostHeader(entry)).Errors);

        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains(fix, error.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void HostHeader_AsList_FailsWithGoUnmarshalText()
    {
        var error = Assert.Single(ParseFails(WithHostHeader("    - echo\n")).Errors);

        Assert.Equal("upstream.host_header", error.Field);
        Assert.Contains("cannot unmarshal !!seq into map[string]string", error.Message, StringComparison.Ordinal);
    }

    private string WithHostHeader(string hostHeaderYaml) => Document($"upstream:\n  host_header:\n{hostHeaderYaml}", ThreeRoutes);
}
