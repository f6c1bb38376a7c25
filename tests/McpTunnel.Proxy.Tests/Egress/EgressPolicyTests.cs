using System.Net;
using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Egress;

namespace McpTunnel.Proxy.Tests.Egress;

/// <summary>Which addresses may be dialled (RFC1918 IPv4 by default, allowed_ips replaces it, validation can be off): decisions only; no traffic leaves the machine.</summary>
public sealed class EgressPolicyTests
{
    private static readonly EgressPolicy Default = new(new UpstreamSettings());

    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("10.255.255.255")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.254")]
    [InlineData("192.168.1.10")]
    [InlineData("::ffff:10.1.2.3")]
    public void DefaultPolicy_AllowsRfc1918(string address) => Assert.True(Default.Evaluate(IPAddress.Parse(address)).Allowed);

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.1.2.3")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("169.254.169.254")]
    [InlineData("0.0.0.0")]
    [InlineData("100.64.0.1")]
    [InlineData("::1")]
    [InlineData("fd00::1")]
    public void DefaultPolicy_RefusesEverythingElse(string address) => Assert.False(Default.Evaluate(IPAddress.Parse(address)).Allowed);

    [Fact]
    public void ConfiguredList_ReplacesDefaults()
    {
        var policy = new EgressPolicy(new UpstreamSettings { AllowedIps = [IPNetwork.Parse("100.64.0.0/10")] });

        Assert.True(policy.Evaluate(IPAddress.Parse("100.64.1.1")).Allowed);
        var denied = policy.Evaluate(IPAddress.Parse("10.0.0.1"));
        Assert.False(denied.Allowed);
        Assert.Contains("allowed_ips", denied.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void DisabledValidation_AllowsAnyIPv4_ButNeverIPv6()
    {
        var policy = new EgressPolicy(new UpstreamSettings { DisableIpValidation = true });

        Assert.True(policy.Evaluate(IPAddress.Parse("8.8.8.8")).Allowed);
        Assert.False(policy.Evaluate(IPAddress.Parse("2001:db8::1")).Allowed);
    }
}
