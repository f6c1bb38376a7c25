using McpTunnel.Proxy.Configuration;

namespace McpTunnel.Proxy.Tests.Configuration.Sections;

/// <summary>
/// <c>upstream.response_header_timeout</c> and its per-route map <c>upstream.response_header_timeout_by_route</c>:
/// off unless configured, <c>0s</c> for no limit, per-route values keyed by the routes that exist.
/// </summary>
public sealed class ResponseHeaderTimeoutSectionTests : ConfigTestBase
{
    [Fact]
    public void NeitherKey_NoLimitForAnyRoute()
    {
        var config = Parse(WithUpstream("  allowed_ips: [10.0.0.0/8]\n")).Config;

        Assert.Equal(Timeout.InfiniteTimeSpan, config.Upstream.ResponseHeaderTimeout);
        Assert.All(config.Routes, r => Assert.Null(r.ResponseHeaderTimeout));
    }

    [Fact]
    public void NoUpstreamSection_NoLimit()
    {
        var config = Parse(Document()).Config;

        Assert.Equal(Timeout.InfiniteTimeSpan, config.Upstream.ResponseHeaderTimeout);
    }

    [Theory]
    [InlineData("60s", 60)]
    [InlineData("1m30s", 90)]
    [InlineData("10m", 600)]
    public void Scalar_LoadsAsWritten(string value, int seconds)
    {
        var config = Parse(WithUpstream($"  response_header_timeout: {value}\n")).Config;

        Assert.Equal(TimeSpan.FromSeconds(seconds), config.Upstream.ResponseHeaderTimeout);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("0s")]
    public void ScalarZero_MeansNoLimit(string value)
    {
        var config = Parse(WithUpstream($"  response_header_timeout: {value}\n")).Config;

        Assert.Equal(Timeout.InfiniteTimeSpan, config.Upstream.ResponseHeaderTimeout);
    }

    [Fact]
    public void ByRoute_SetsOnlyTheNamedRoutes_ZeroIsNoLimit_KeysNormalised()
    {
        var config = Parse(WithUpstream("  response_header_timeout: 60s\n  response_header_timeout_by_route:\n    echo: 10m\n    SECURE.: 0s\n")).Config;
        var routes = config.Routes.ToDictionary(r => r.Key);

        Assert.Equal(TimeSpan.FromMinutes(10), routes["echo"].ResponseHeaderTimeout);
        Assert.Equal(Timeout.InfiniteTimeSpan, routes["secure"].ResponseHeaderTimeout);
        Assert.Null(routes["plain"].ResponseHeaderTimeout);
        Assert.Equal(TimeSpan.FromSeconds(60), config.Upstream.ResponseHeaderTimeout);
    }

    [Fact]
    public void ByRoute_AndHostHeader_BothApplyToTheSameRoute()
    {
        var config = Parse(WithUpstream("  host_header:\n    echo: upstream\n  response_header_timeout_by_route:\n    echo: 330s\n")).Config;
        var echo = config.Routes.Single(r => r.Key == "echo");

        Assert.Equal(UpstreamHostSetting.Upstream, echo.HostHeader);
        Assert.Equal(TimeSpan.FromSeconds(330), echo.ResponseHeaderTimeout);
    }

    [Theory]
    [InlineData("    nosuch: 10m\n", "upstream.response_header_timeout_by_route.nosuch", "is not a routes key", "use a key from routes: (echo, secure, plain)")]
    [InlineData("    echo: ten minutes\n", "upstream.response_header_timeout_by_route.echo", "invalid duration", "use a Go duration such as 10m")]
    [InlineData("    echo: 600\n", "upstream.response_header_timeout_by_route.echo", "missing unit", "use a Go duration such as 10m")]
    [InlineData("    echo: -5s\n", "upstream.response_header_timeout_by_route.echo", "is negative", "or 0s for no limit")]
    [InlineData("    echo:\n", "upstream.response_header_timeout_by_route.echo", "expected a duration, got no value", "give one Go duration")]
    [InlineData("    echo: [1s, 2s]\n", "upstream.response_header_timeout_by_route.echo", "expected a duration, got !!seq", "give one Go duration")]
    public void ByRoute_BadEntry_FailsNamingFieldAndFix(string entry, string field, string message, string fix)
    {
        var error = Assert.Single(ParseFails(WithUpstream($"  response_header_timeout_by_route:\n{entry}")).Errors);

        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains(fix, error.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void ByRoute_AsScalar_FailsWithTheMapShape()
    {
        var error = Assert.Single(ParseFails(WithUpstream("  response_header_timeout_by_route: 10m\n")).Errors);

        Assert.Equal("upstream.response_header_timeout_by_route", error.Field);
        Assert.Contains("cannot unmarshal !!str into map[string]duration", error.Message, StringComparison.Ordinal);
        Assert.Contains("response_header_timeout_by_route:\n    echo: 10m", error.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void ByRoute_IsAKnownKey_NoUnknownKeyWarning()
    {
        var result = Parse(WithUpstream("  response_header_timeout_by_route:\n    echo: 10m\n"));

        Assert.DoesNotContain(result.Warnings, w => w.Contains("response_header_timeout_by_route", StringComparison.Ordinal));
    }

    private string WithUpstream(string upstreamYaml) => Document($"upstream:\n{upstreamYaml}", ThreeRoutes);
}
