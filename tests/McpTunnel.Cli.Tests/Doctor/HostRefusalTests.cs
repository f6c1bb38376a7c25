using McpTunnel.Cli.Doctor;

namespace McpTunnel.Cli.Tests.Doctor;

/// <summary>Issue 13 item 2: which answers doctor reads as "the upstream refuses the tunnel's Host", in the words real servers use.</summary>
public sealed class HostRefusalTests
{
    [Theory]
    [InlineData(403, """{"jsonrpc":"2.0","error":{"code":-32000,"message":"Invalid Host: echo.abcd.tunnel.test"},"id":null}""")] // TypeScript SDK
    [InlineData(421, "Invalid Host header")] // Python SDK transport security
    [InlineData(421, "Misdirected Request")]
    [InlineData(400, "<h2>Bad Request - Invalid Hostname</h2><p>HTTP Error 400. The request hostname is invalid.</p>")] // ASP.NET Core host filtering
    [InlineData(400, "Invalid host header")] // Starlette TrustedHostMiddleware
    public void HostRefusingAnswers_AreRecognised(int status, string body) =>
        Assert.NotNull(McpInitializeProbe.HostRefusal(status, body));

    [Theory]
    [InlineData(403, "Forbidden: missing bearer token")]
    [InlineData(400, """{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null}""")]
    [InlineData(500, "Invalid Host")]
    [InlineData(401, "Invalid Host")]
    public void OtherAnswers_AreNotMistakenForAHostRefusal(int status, string body) =>
        Assert.Null(McpInitializeProbe.HostRefusal(status, body));
}
