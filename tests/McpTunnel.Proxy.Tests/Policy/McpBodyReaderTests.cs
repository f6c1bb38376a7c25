using System.Text;
using McpTunnel.Proxy.Policy;

namespace McpTunnel.Proxy.Tests.Policy;

/// <summary>
/// The policy's reading of a body must never differ from a server's: every trick that could make a server run a
/// call other than the one the policy saw is either read the way the server reads it or refused.
/// </summary>
public sealed class McpBodyReaderTests
{
    private static McpBody Reads(string json)
    {
        var result = McpBodyReader.Read(Encoding.UTF8.GetBytes(json));
        Assert.True(result.Body is not null, result.Error);
        return result.Body!;
    }

    private static McpBodyReadResult Refuses(byte[] body)
    {
        var result = McpBodyReader.Read(body);
        Assert.Null(result.Body);
        Assert.NotNull(result.Error);
        return result;
    }

    private static McpBodyReadResult Refuses(string json) => Refuses(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void ToolCall_GivesMethodIdAndToolName()
    {
        var message = Assert.Single(Reads("""{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"arguments":{"name":"decoy"},"name":"real"}}""").Messages);
        Assert.Equal(McpMessageKind.Request, message.Kind);
        Assert.Equal(PolicyTarget.Tool, message.Target);
        Assert.Equal("real", message.TargetName); // params.name, not a "name" inside arguments
        Assert.Equal(7, message.Id!.Value.GetInt32());
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":"a","method":"prompts/get","params":{"name":"p1"}}""", "Prompt", "p1")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"uri":"file:///x"}}""", "Resource", "file:///x")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"resources/subscribe","params":{"uri":"file:///y"}}""", "Resource", "file:///y")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"completion/complete","params":{"ref":{"type":"ref/prompt","name":"p2"},"argument":{"name":"a","value":"b"}}}""", "Prompt", "p2")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"completion/complete","params":{"ref":{"type":"ref/resource","uri":"db://t/{id}"}}}""", "Resource", "db://t/{id}")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", "ToolsList", null)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"resources/templates/list","params":{"cursor":"c"}}""", "ResourceTemplatesList", null)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"ping"}""", "None", null)]
    [InlineData("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", "None", null)]
    public void EachMethod_IsClassified(string json, string target, string? name)
    {
        var message = Assert.Single(Reads(json).Messages);
        Assert.Equal(target, message.Target.ToString());
        Assert.Equal(name, message.TargetName);
    }

    [Fact]
    public void UnicodeEscapes_InKeysAndValues_AreDecodedAsTheServerDecodesThem()
    {
        var message = Assert.Single(Reads("""{"jsonrpc":"2.0","id":1,"\u006dethod":"tools\/call","params":{"n\u0061me":"delete\u005fticket"}}""").Messages);
        Assert.Equal(PolicyTarget.Tool, message.Target);
        Assert.Equal("delete_ticket", message.TargetName);
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"ping","method":"tools/call","params":{"name":"x"}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"ping","METHOD":"tools/call","params":{"name":"x"}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"ping","\u006dethod":"tools/call"}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"ok","name":"delete"}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"ok","Name":"delete"}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"ok"},"params":{"name":"delete"}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"id":2,"method":"ping"}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"completion/complete","params":{"ref":{"type":"ref/prompt","name":"a","name":"b"}}}""")]
    public void DuplicateDecidingKey_IsRefused_WhicheverOneAServerWouldKeep(string json) => Refuses(json);

    [Fact]
    public void MethodInAnotherLetterCase_IsTreatedAsTheMethod()
    {
        // A server that dispatched without letter case would run tools/call; the policy must decide it as one.
        var message = Assert.Single(Reads("""{"jsonrpc":"2.0","id":1,"Method":"TOOLS/CALL","params":{"Name":"delete_ticket"}}""").Messages);
        Assert.Equal(PolicyTarget.Tool, message.Target);
        Assert.Equal("delete_ticket", message.TargetName);
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"ping"} // comment""")]
    [InlineData("""/* c */ {"jsonrpc":"2.0","id":1,"method":"ping"}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"ping",}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"ping"}{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"x"}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"ping"} x""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"\ud800"}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":5}""")]
    [InlineData("""[]""")]
    [InlineData("""[1]""")]
    [InlineData("\"tools/call\"")]
    [InlineData("""{"jsonrpc":"2.0","id":1}""")]
    [InlineData("")]
    public void MalformedOrAmbiguousBody_IsRefused(string json) => Refuses(json);

    [Fact]
    public void InvalidUtf8_InADecidingString_IsRefused()
    {
        var body = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"AB"}}""");
        var at = Array.IndexOf(body, (byte)'A');
        body[at] = 0xFF;
        body[at + 1] = 0xFE;
        Refuses(body);
    }

    [Fact]
    public void DeepNesting_IsRefused_NotGuessed()
    {
        var deep = new string('[', 200) + new string(']', 200);
        Refuses("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","arguments":{"a":""" + deep + "}}}");
    }

    [Fact]
    public void ByteOrderMark_IsSkippedLikeTextDecodingServersDo()
    {
        var body = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x"}}""")).ToArray();
        Assert.Equal("x", Assert.Single(McpBodyReader.Read(body).Body!.Messages).TargetName);
    }

    [Fact]
    public void HugeWhitespace_AndNumbersAsIds_AreRead()
    {
        var spaces = new string(' ', 100_000);
        var message = Assert.Single(Reads(spaces + "{\"jsonrpc\":\"2.0\"," + spaces + "\"id\":1e3,\"method\":\"tools/call\",\"params\":{\"name\":\"x\"}}" + spaces).Messages);
        Assert.Equal("x", message.TargetName);
        Assert.Equal("1e3", message.Id!.Value.GetRawText());
    }

    [Fact]
    public void Batch_GivesEveryMessage_InOrder()
    {
        var body = Reads("""[{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a"}},{"jsonrpc":"2.0","method":"notifications/x"},{"jsonrpc":"2.0","id":9,"result":{}},{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"b"}}]""");
        Assert.True(body.IsBatch);
        Assert.Equal([McpMessageKind.Request, McpMessageKind.Notification, McpMessageKind.Response, McpMessageKind.Request], body.Messages.Select(m => m.Kind));
        Assert.Equal(["a", null, null, "b"], body.Messages.Select(m => m.TargetName));
    }

    [Fact]
    public void ToolCallWithoutAReadableName_HasNoTargetName()
    {
        Assert.Null(Assert.Single(Reads("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":5}}""").Messages).TargetName);
        Assert.Null(Assert.Single(Reads("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":["x"]}""").Messages).TargetName);
        Assert.Null(Assert.Single(Reads("""{"jsonrpc":"2.0","id":1,"method":"tools/call"}""").Messages).TargetName);
    }
}
