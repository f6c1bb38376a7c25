using System.Text;
using McpTunnel.Proxy.Observability;

namespace McpTunnel.Proxy.Tests.Observability;

public sealed class McpMessagePeekTests
{
    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_weather","arguments":{"city":"x"}}}""", "tools/call", "get_weather")]
    [InlineData("""{"params":{"arguments":{"a":[1,{"name":"decoy"}]},"name":"real"},"method":"tools/call","id":1}""", "tools/call", "real")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"prompts/get","params":{"name":"a-prompt"}}""", "prompts/get", "a-prompt")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":{"method":"nested"},"params":{"name":7}}""", null, null)]
    [InlineData("""{"meth\u006fd":"ping","id":1}""", "ping", null)]
    public void Read_WholeBody_FindsMethodAndName(string json, string? method, string? name)
    {
        var peek = McpMessagePeek.Read(Encoding.UTF8.GetBytes(json), final: true);

        Assert.Equal(method is null ? McpBodyState.NotAMessage : McpBodyState.Message, peek.State);
        Assert.Equal(method, peek.Method);
        Assert.Equal(name, peek.Name);
        Assert.False(peek.DuplicateKey);
    }

    [Theory]
    [InlineData("""[{"jsonrpc":"2.0","id":1,"method":"ping"}]""", "Batch")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{}}""", "NotAMessage")]
    [InlineData("42", "NotAMessage")]
    [InlineData("not json", "Unreadable")]
    [InlineData("", "Unreadable")]
    [InlineData("""{"jsonrpc":"2.0","method":"tools/call","params":{"name":"x"}""", "Unreadable")] // the body ended inside the object
    [InlineData("""{"method":"ping",}""", "Unreadable")]
    public void Read_WholeBody_SaysWhatItIs(string body, string state) =>
        Assert.Equal(state, McpMessagePeek.Read(Encoding.UTF8.GetBytes(body), final: true).State.ToString());

    public static TheoryData<string, byte[]> InvalidUtf8 => new()
    {
        { "in params.name", Json("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"@"}}""") },
        { "in method", Json("""{"jsonrpc":"2.0","id":1,"method":"tools/@"}""") },
        { "lone surrogate escape in the name", Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"\ud800"}}""") },
    };

    /// <summary>
    /// The body an independent tester sent: <c>FF FE C0 80 ED A0 80</c> (bytes no UTF-8 text contains, an overlong NUL
    /// and an encoded surrogate) where the tool name or method is. Reading it used to throw InvalidOperationException
    /// out of the peek, which killed the request.
    /// </summary>
    [Theory]
    [MemberData(nameof(InvalidUtf8))]
    public void Read_StringThatIsNotUtf8_IsUnreadable_AndDoesNotThrow(string where, byte[] body)
    {
        var peek = McpMessagePeek.Read(body, final: true);

        Assert.True(peek.State == McpBodyState.Unreadable, $"{where}: {peek}");
    }

    [Theory]
    [InlineData("""{"method":"ping","id":1,"method":"tools/call","params":{"name":"hidden"}}""", "tools/call", "hidden")]
    [InlineData("""{"method":"tools/call","params":{"name":"decoy"},"params":{"name":"real"}}""", "tools/call", "real")]
    [InlineData("""{"method":"tools/call","params":{"name":"decoy","name":"real"}}""", "tools/call", "real")]
    [InlineData("""{"method":"tools/call","params":{"name":"decoy"},"params":[]}""", "tools/call", null)]
    public void Read_RepeatedKey_TheLastCounts_AndIsFlagged(string json, string method, string? name)
    {
        var peek = McpMessagePeek.Read(Encoding.UTF8.GetBytes(json), final: true);

        Assert.Equal((McpBodyState.Message, method, name, true), (peek.State, peek.Method, peek.Name, peek.DuplicateKey));
    }

    [Fact]
    public void Read_PrefixEndingBeforeTheToolName_IsPendingWithTheMethodSoFar()
    {
        var prefix = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"na""");

        var peek = McpMessagePeek.Read(prefix, final: false);

        Assert.Equal((McpBodyState.Pending, "tools/call", null), (peek.State, peek.Method, peek.Name));
        Assert.Equal((McpBodyState.Message, true), (peek.Settle().State, peek.Settle().Bounded));
        Assert.Equal(McpBodyState.BeyondLimit, McpMessagePeek.Read("""{"id":1,"jsonrpc":"2."""u8, final: false).Settle().State);
    }

    [Fact]
    public void Read_EveryPrefixOfAMessage_NeverContradictsTheWholeBody()
    {
        var body = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":12,"params":{"arguments":{"q":[1,2,{"name":"x"}]},"name":"get_weather"},"method":"tools/call"}""");
        var whole = McpMessagePeek.Read(body, final: true);

        for (var length = 0; length < body.Length; length++)
        {
            var peek = McpMessagePeek.Read(body.AsSpan(0, length), final: false);
            Assert.True(peek.State == McpBodyState.Pending || peek == whole, $"prefix of {length} bytes: {peek}");
        }

        Assert.Equal(new McpBodyPeek(McpBodyState.Message, "tools/call", "get_weather"), whole);
    }

    [Theory]
    [InlineData("realtool", "realtool", false)]
    [InlineData("=?base64?cmVhbHRvb2w=?=", "realtool", false)]
    [InlineData("=?base64?w6l0w6k=?=", "été", false)]
    [InlineData("decoy", "realtool", true)]
    [InlineData("=?base64?cmVhbHRvb2w?=", "realtool", true)] // not canonical Base64 (no padding)
    [InlineData("=?base64?/w==?=", "realtool", true)] // Base64 of a byte that is not UTF-8
    public void HeaderMismatch_ComparesTheDecodedMcpNameWithTheBody(string header, string bodyName, bool mismatch)
    {
        var info = new McpRequestInfo { CarriesMessage = true, HeaderMethod = "tools/call", HeaderName = header };
        info.Body = new McpBodyPeek(McpBodyState.Message, "tools/call", bodyName);

        Assert.Equal(mismatch ? McpHeaderMismatch.Name : McpHeaderMismatch.None, info.HeaderMismatch);
    }

    [Fact]
    public void HeaderMismatch_OnlyABodyThatWasReadCanDisagree()
    {
        var ping = new McpRequestInfo { CarriesMessage = true, HeaderMethod = "ping", HeaderName = "decoy" };
        ping.Body = new McpBodyPeek(McpBodyState.Message, "tools/call", "realtool");
        var unreadable = new McpRequestInfo { CarriesMessage = true, HeaderMethod = "ping" };
        unreadable.Body = McpBodyPeek.Unreadable;
        var batch = new McpRequestInfo { CarriesMessage = true, HeaderMethod = "ping" };
        batch.Body = McpBodyPeek.Batch;

        Assert.Equal(McpHeaderMismatch.Method | McpHeaderMismatch.Name, ping.HeaderMismatch);
        Assert.Equal(("tools/call", "realtool", "tools/call"), (ping.Method, ping.Tool, McpMethodLabel.For(ping)));
        Assert.Equal((McpHeaderMismatch.None, "unknown"), (unreadable.HeaderMismatch, McpMethodLabel.For(unreadable)));
        Assert.Equal((McpHeaderMismatch.Method, "batch"), (batch.HeaderMismatch, McpMethodLabel.For(batch)));
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

    /// <summary>The JSON text with each <c>@</c> replaced by the bytes FF FE C0 80 ED A0 80.</summary>
    internal static byte[] Json(string text)
    {
        byte[] bad = [0xFF, 0xFE, 0xC0, 0x80, 0xED, 0xA0, 0x80];
        return [.. text.Split('@').Select(Encoding.UTF8.GetBytes).Aggregate((a, b) => [.. a, .. bad, .. b])];
    }
}
