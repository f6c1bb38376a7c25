using McpTunnel.Proxy.Configuration;

namespace McpTunnel.Proxy.Tests.Configuration;

/// <summary>The rules that join sections: a bare subdomain needs tunnel_domain, the egress switches exclude each other, and a policy that protects nothing or an https upstream without trust is warned about.</summary>
public sealed class ProxyConfigValidatorTests : ConfigTestBase
{
    [Fact]
    public void AllowedIpsAndDisableValidation_BothSet_Fails()
    {
        // allowed_ips and disable_ip_validation are mutually exclusive.
        var ex = ParseFails(Document("""
            upstream:
              allowed_ips: [10.0.0.0/8]
              disable_ip_validation: true
            """));

        Assert.Contains("mutually exclusive", Assert.Single(ex.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BareSubdomainWithoutTunnelDomain_Fails_UnlessFlagSuppliesIt()
    {
        var yaml = $"""
            listen_addr: ":8080"
            {Tls}
            routes:
              echo: http://hello-mcp:9000
            """;

        var ex = Assert.Throws<ProxyConfigException>(() => Parse(yaml));
        Assert.Contains("needs tunnel_domain", ex.Message, StringComparison.Ordinal);

        // -tunnel-domain (the Helm chart's managed mode) supplies (and overrides) the domain.
        Assert.Equal("flag.example", Parse(yaml, "Flag.Example.").Config.TunnelDomain);
    }

    [Fact]
    public void BareSubdomainWithoutTunnelDomain_IsReportedTogetherWithAMissingTlsSection()
    {
        var error = ParseFails("listen_addr: \":8080\"\nroutes:\n  echo: http://hello-mcp:9000\n");

        Assert.Contains(error.Errors, e => e.Field == "tls.cert_file" && e.Message == "is required");
        Assert.Contains(error.Errors, e => e.Field == "routes.echo" && e.Message == "a bare subdomain key needs tunnel_domain");
    }

    [Theory]
    [InlineData("allowed_ips: [0.0.0.0/0]", "0.0.0.0/0 allows public addresses")]
    [InlineData("allowed_ips: [10.0.0.0/8, 0.0.0.0/1]", "0.0.0.0/1 allows public addresses")]
    [InlineData("disable_ip_validation: true", "SSRF protection is off")]
    public void EgressPolicyThatProtectsNothing_LoadsWithSsrfWarning(string upstreamLine, string expected)
    {
        var result = Parse(Document($"upstream:\n  {upstreamLine}\n"));

        var warning = Assert.Single(result.Warnings);
        Assert.Contains(expected, warning, StringComparison.Ordinal);
        Assert.Contains("local testing only", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void NarrowAllowedIps_LoadWithoutWarning()
    {
        var result = Parse(Document("upstream:\n  allowed_ips: [10.0.0.0/8, 203.0.113.7/32]\n"));

        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void HttpsUpstreamWithoutTrustAnchor_LoadsWithWarning()
    {
        // https with no trust anchor (the docs do not say it is a load error): warn at load, fail at request time.
        var result = Parse(Document(routes: "  secure: https://10.0.0.5:8443\n"));

        Assert.Contains(result.Warnings, w => w.Contains("include_system_cas", StringComparison.Ordinal));
    }
}
