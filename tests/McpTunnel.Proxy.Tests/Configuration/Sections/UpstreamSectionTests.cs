namespace McpTunnel.Proxy.Tests.Configuration.Sections;

/// <summary><c>upstream:</c>: the allow-list entries and the egress switches.</summary>
public sealed class UpstreamSectionTests : ConfigTestBase
{
    [Fact]
    public void EmptyAllowedIpsWithDisableValidation_Loads()
    {
        // An empty list counts as unset (the docs leave it open).
        var config = Parse(Document("""
            upstream:
              allowed_ips: []
              disable_ip_validation: true
            """)).Config;

        Assert.True(config.Upstream.DisableIpValidation);
    }

    [Theory]
    [InlineData("::1/128", "is IPv6")]
    [InlineData("10.0.0.0/33", "prefix length")]
    [InlineData("not-an-ip", "is not an IPv4 address")]
    public void BadAllowedIpsEntry_FailsNamingTheEntry(string entry, string reason)
    {
        var ex = ParseFails(Document($"upstream:\n  allowed_ips: [\"{entry}\"]\n"));

        var error = Assert.Single(ex.Errors);
        Assert.Equal("upstream.allowed_ips", error.Field);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
