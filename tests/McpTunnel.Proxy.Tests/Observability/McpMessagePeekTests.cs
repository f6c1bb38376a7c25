using System.Text;
using McpTunnel.Proxy.Observability;

namespace McpTunnel.Proxy.Tests.Observability;

public sealed class McpMessagePeekTests
{
    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_weather","arguments":{"city":"x"}}}""", "tools/call", "get_weather")]
    [InlineData("""{"params":{"arguments":{"a":[1,{"name":"decoy"}]},"name":"real"},"method":"tools/call","id":1}""", "tools/call", "real")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"prompts/get","params":{"name":"not-a-tool"}}""", "prompts/get", null)]
    [InlineData("""[{"jsonrpc":"2.0","id":1,"method":"ping"}]""", "batch", null)]
    [InlineData("not json", null, null)]
    public void Read_WholeBody_FindsMethodAndTool(string json, string? method, string? tool)
    {
        var outcome = McpMessagePeek.Read(Encoding.UTF8.GetBytes(json), final: true, out var foundMethod, out var foundTool);

        Assert.Equal(McpMessagePeek.Outcome.Done, outcome);
        Assert.Equal(method, foundMethod);
        Assert.Equal(tool, foundTool);
    }

    [Fact]
    public void Read_PrefixEndingBeforeTheToolName_AsksForMore()
    {
        var prefix = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"na""");

        Assert.Equal(McpMessagePeek.Outcome.NeedMore, McpMessagePeek.Read(prefix, final: false, out _, out _));
    }

    [Fact]
    public void ToolNames_BeyondTheCapOrMalformed_AreOther()
    {
        var limiter = new ToolNameLimiter();
        for (var i = 0; i < ToolNameLimiter.Capacity; i++)
        {
            Assert.Equal($"tool{i}", limiter.Label($"tool{i}"));
        }

        Assert.Equal("other", limiter.Label("one_more"));
        Assert.Equal("tool0", limiter.Label("tool0"));
        Assert.Equal("other", new ToolNameLimiter().Label("bad name\n"));
    }

    [Theory]
    [InlineData("unknown certificate authority", "unknown certificate authority")]
    [InlineData("handshake timed out after 10s", "handshake timeout")]
    [InlineData("some library message 0x1234", "other")]
    public void HandshakeFailureLabel_IsBounded(string reason, string label) => Assert.Equal(label, HandshakeFailureLabel.For(reason));
}
