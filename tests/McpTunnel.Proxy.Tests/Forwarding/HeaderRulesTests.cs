using McpTunnel.Proxy.Forwarding;

namespace McpTunnel.Proxy.Tests.Forwarding;

public sealed class HeaderRulesTests
{
    [Theory]
    [InlineData("Connection")]
    [InlineData("keep-alive")]
    [InlineData("Transfer-Encoding")]
    [InlineData("Upgrade")]
    [InlineData("TE")]
    [InlineData("Proxy-Connection")]
    public void HopByHopHeaders_AreRecognised(string name) => Assert.True(HeaderRules.IsHopByHop(name));

    [Theory]
    [InlineData("Authorization")]
    [InlineData("Mcp-Session-Id")]
    [InlineData("Content-Type")]
    [InlineData("Last-Event-ID")]
    public void EndToEndHeaders_AreNotHopByHop(string name) => Assert.False(HeaderRules.IsHopByHop(name));

    [Fact]
    public void HeaderNamedInConnection_IsDropped() =>
        Assert.True(HeaderRules.IsNamedInConnection("X-Hop", new Microsoft.Extensions.Primitives.StringValues(["keep-alive, x-hop"])));

    [Theory]
    [InlineData("X-Forwarded-For", true)]
    [InlineData("x-forwarded-host", true)]
    [InlineData("X-FORWARDED-PROTO", true)]
    [InlineData("Forwarded", true)]
    [InlineData("X-Forwarded-Prefix", true)]
    [InlineData("X-Forwarded-Port", true)]
    [InlineData("X-Forwarded-Server", true)]
    [InlineData("X-Real-IP", true)]
    [InlineData("X_Forwarded_For", true)]
    [InlineData("x_real_ip", true)]
    [InlineData("X-Forwarded", false)]
    [InlineData("Authorization", false)]
    [InlineData("X_Custom", false)]
    public void CallerForwardingHeader_IsRecognisedInAnyCaseAndSpelling(string name, bool expected) =>
        Assert.Equal(expected, HeaderRules.IsCallerForwardingHeader(name));
}
