namespace McpTunnel.Proxy.Tests.Configuration.Sections;

/// <summary><c>routes:</c>: a flat map of hostname or subdomain to <c>scheme://host:port</c>, with Go's decoder texts for the wrong shape.</summary>
public sealed class RoutesSectionTests : ConfigTestBase
{
    [Fact]
    public void RoutesAsList_FailsWithGoUnmarshalText()
    {
        // routes as a YAML list: Go's text, which the troubleshooting docs quote.
        var ex = ParseFails(Document(routes: "  - echo: http://hello-mcp:9000\n"));

        Assert.Contains("cannot unmarshal !!seq into map[string]string", ex.Message, StringComparison.Ordinal);
        Assert.Equal("routes", Assert.Single(ex.Errors).Field);
    }

    [Theory]
    [InlineData("http://hello-mcp:9000/mcp", "a path is not allowed")]
    [InlineData("http://hello-mcp:9000/", "a path is not allowed")]
    [InlineData("http://hello-mcp", "the port is missing")]
    [InlineData("http://hello-mcp:9000?x=1", "a query is not allowed")]
    [InlineData("http://hello-mcp:9000#f", "a fragment is not allowed")]
    [InlineData("http://user:pw@hello-mcp:9000", "user-info is not allowed")]
    [InlineData("ftp://hello-mcp:21", "is not http or https")]
    [InlineData("hello-mcp:9000", "missing scheme")]
    [InlineData("http://hello-mcp:99999", "is not a number from 1 to 65535")]
    [InlineData("http://[::1]:9000", "IPv6 upstreams are not supported")]
    public void MalformedUpstream_FailsWithDocumentedText(string upstream, string reason)
    {
        // Each upstream must be exactly scheme://host:port (documented error text).
        var ex = ParseFails(Document(routes: $"  echo: {upstream}\n"));

        var error = Assert.Single(ex.Errors);
        Assert.Equal("routes.echo", error.Field);
        Assert.Contains("invalid upstream (must be scheme://host:port)", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FullHostnameKeysWithoutTunnelDomain_Load()
    {
        var config = Parse($"""
            listen_addr: "127.0.0.1:8080"
            {Tls}
            routes:
              Echo.Example.COM: http://hello-mcp:9000
            """).Config;

        Assert.Equal("echo.example.com", Assert.Single(config.Routes).Key);
    }

    // Inputs the config fuzz harness found that made YamlDotNet throw something other than YamlException, which
    // escaped the loader as an unhandled exception instead of a config error.

    [Fact]
    public void DuplicateRouteKeysDifferingInCase_Fail()
    {
        var ex = ParseFails(Document(routes: "  echo: http://a:1\n  ECHO: http://b:2\n"));

        Assert.Contains("duplicate route", Assert.Single(ex.Errors).Message, StringComparison.Ordinal);
    }
}
