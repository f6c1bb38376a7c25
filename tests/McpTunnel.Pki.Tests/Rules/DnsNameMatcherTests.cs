using McpTunnel.Pki.Rules;

namespace McpTunnel.Pki.Tests.Rules;

public class DnsNameMatcherTests
{
    [Theory]
    [InlineData("*.d.example", "echo.d.example", true)]
    [InlineData("*.d.example", "ECHO.D.Example.", true)]
    [InlineData("*.d.example", "d.example", false)]
    [InlineData("*.d.example", "a.echo.d.example", false)]
    [InlineData("*.d.example", "echo.e.example", false)]
    [InlineData("*.d.example", "xd.example", false)]
    [InlineData("echo.d.example", "echo.d.example", true)]
    [InlineData("echo.d.example", "other.d.example", false)]
    [InlineData("e*.d.example", "echo.d.example", false)]
    [InlineData("*.*.example", "a.b.example", false)]
    [InlineData("*.d.example", "*.d.example", false)]
    public void Matches_Pattern_FollowsSingleLabelWildcardRules(string pattern, string host, bool expected) =>
        Assert.Equal(expected, DnsNameMatcher.Matches(pattern, host));

    [Theory]
    [InlineData("*.d.example", "d.example", true)]
    [InlineData("*.D.example.", "d.example", true)]
    [InlineData("d.example", "d.example", false)]
    [InlineData("*.example", "d.example", false)]
    public void CoversEveryRoute_Pattern_OnlyForWildcardOfDomain(string pattern, string domain, bool expected) =>
        Assert.Equal(expected, DnsNameMatcher.CoversEveryRoute(pattern, domain));
}
