using System.Net;
using McpTunnel.Cli.Hello;

namespace McpTunnel.Cli.Tests.Hello;

public sealed class HelloCommandTests
{
    [Theory]
    [InlineData("0.0.0.0:9000", null, "0.0.0.0:9000")]
    [InlineData("127.0.0.1:9000", 8123, "127.0.0.1:8123")]
    [InlineData("localhost:9001", null, "127.0.0.1:9001")]
    [InlineData("[::1]:9000", 9006, "[::1]:9006")]
    [InlineData(":9003", null, "0.0.0.0:9003")]
    [InlineData("[::1]:9004", null, "[::1]:9004")]
    [InlineData("127.0.0.1", 9005, "127.0.0.1:9005")]
    public void TryParseListen_ValidAddress_IsParsed(string listen, int? port, string expected)
    {
        Assert.True(HelloCommand.TryParseListen(listen, port, out var endPoint, out var error), error);
        Assert.Equal(IPEndPoint.Parse(expected), endPoint);
    }

    [Theory]
    [InlineData("0.0.0.0", null)]
    [InlineData("example.com:9000", null)]
    [InlineData("0.0.0.0:99999", null)]
    [InlineData("0.0.0.0:x", null)]
    [InlineData("*:9002", null)] // not Go's form, nor the proxy's listen_addr: one rule for every listener
    [InlineData("::1:9000", null)] // IPv6 without brackets is ambiguous
    public void TryParseListen_InvalidAddress_IsRejectedWithReason(string listen, int? port)
    {
        Assert.False(HelloCommand.TryParseListen(listen, port, out _, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public async Task HelloCommand_InvalidListen_Exits2()
    {
        var exitCode = await CliApp.CreateRootCommand().Parse(["hello", "--listen", "nope"]).InvokeAsync();

        Assert.Equal(2, exitCode);
    }
}
