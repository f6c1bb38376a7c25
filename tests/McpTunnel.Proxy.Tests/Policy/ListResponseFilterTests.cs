using System.Text;
using System.Text.Json;
using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Forwarding;
using McpTunnel.Proxy.Policy;

namespace McpTunnel.Proxy.Tests.Policy;

public sealed class ListResponseFilterTests
{
    private static ListResponseFilter Filter(PolicyTarget target, params string[] deny)
    {
        var patterns = deny.Select(d => NamePattern.TryParse(d, out var p, out _) ? p! : throw new ArgumentException(d)).ToList();
        return new ListResponseFilter(new NameRules("policy.echo.tools", [], patterns, PolicyDefault.Allow), target, 1 << 20);
    }

    private static string? Rewrite(ResponseBodyFilter filter, string json) => filter.Rewrite(Encoding.UTF8.GetBytes(json)) is { } bytes ? Encoding.UTF8.GetString(bytes) : null;

    [Fact]
    public void ToolsList_LosesDeniedEntries_AndKeepsEveryOtherByte()
    {
        const string json = """{"jsonrpc":"2.0","id":7,"result":{"tools":[{"name":"search","description":"d","inputSchema":{"type":"object"}}, {"name":"delete_ticket","inputSchema":{}} ,{"name":"get"}],"nextCursor":"abc=="},"_x":1}""";

        var rewritten = Rewrite(Filter(PolicyTarget.ToolsList, "delete_*"), json);

        Assert.Equal("""{"jsonrpc":"2.0","id":7,"result":{"tools":[{"name":"search","description":"d","inputSchema":{"type":"object"}},{"name":"get"}],"nextCursor":"abc=="},"_x":1}""", rewritten);
    }

    [Theory]
    [InlineData("PromptsList", """{"jsonrpc":"2.0","id":1,"result":{"prompts":[{"name":"x_secret"},{"name":"ok"}]}}""", """{"jsonrpc":"2.0","id":1,"result":{"prompts":[{"name":"ok"}]}}""")]
    [InlineData("ResourcesList", """{"jsonrpc":"2.0","id":1,"result":{"resources":[{"uri":"x_secret","name":"ok"},{"uri":"file:///a","name":"x_secret"}]}}""", """{"jsonrpc":"2.0","id":1,"result":{"resources":[{"uri":"file:///a","name":"x_secret"}]}}""")]
    [InlineData("ResourceTemplatesList", """{"jsonrpc":"2.0","id":1,"result":{"resourceTemplates":[{"uriTemplate":"x_secret{id}"},{"uriTemplate":"db://{id}"}]}}""", """{"jsonrpc":"2.0","id":1,"result":{"resourceTemplates":[{"uriTemplate":"db://{id}"}]}}""")]
    public void EachListKind_IsFilteredByItsOwnKey(string target, string json, string expected) =>
        Assert.Equal(expected, Rewrite(Filter(Enum.Parse<PolicyTarget>(target), "x_*"), json));

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{"tools":[{"name":"ok"}]}}""")] // nothing denied: sent as it came
    [InlineData("""{"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"no"}}""")]
    [InlineData("""{"jsonrpc":"2.0","method":"notifications/progress","params":{"tools":[{"name":"x_1"}]}}""")]
    [InlineData("""not json""")]
    public void MessagesThatAreNotADeniedListResult_PassUnchanged(string json) => Assert.Null(Rewrite(Filter(PolicyTarget.ToolsList, "x_*"), json));

    [Fact]
    public void EntryWithoutAReadableName_IsNotAdvertised()
    {
        var rewritten = Rewrite(Filter(PolicyTarget.ToolsList, "x_*"), """{"jsonrpc":"2.0","id":1,"result":{"tools":[{"name":5},{"title":"n"},"str",{"name":"ok"}]}}""");
        Assert.Equal("""{"jsonrpc":"2.0","id":1,"result":{"tools":[{"name":"ok"}]}}""", rewritten);
    }

    [Theory]
    [InlineData("data: a\n\nrest", 9)]
    [InlineData("data: a\r\n\r\nrest", 11)]
    [InlineData("data: a\r\rrest", 9)]
    [InlineData("event: m\ndata: a\n\n", 18)]
    [InlineData("data: a\n", 0)]
    [InlineData("data: a\r\n\r", 0)]
    public void EventEnd_IsFoundForEveryLineEnding(string text, int end) => Assert.Equal(end, ServerSentEvents.FindEventEnd(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void SseEvent_KeepsItsOtherFields_AndItsDataSplitAcrossLines()
    {
        var evt = "event: message\r\nid: 42\r\ndata: {\"jsonrpc\":\"2.0\",\"id\":1,\r\ndata: \"result\":{\"tools\":[{\"name\":\"x_1\"},{\"name\":\"ok\"}]}}\r\n\r\n";
        var rewritten = Encoding.UTF8.GetString(ServerSentEvents.Rewrite(Encoding.UTF8.GetBytes(evt), Filter(PolicyTarget.ToolsList, "x_*"))!);

        Assert.Equal("event: message\nid: 42\ndata: {\"jsonrpc\":\"2.0\",\"id\":1,\ndata: \"result\":{\"tools\":[{\"name\":\"ok\"}]}}\n\n", rewritten);
        var data = string.Join("\n", rewritten.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l[6..]));
        Assert.Single(JsonDocument.Parse(data).RootElement.GetProperty("result").GetProperty("tools").EnumerateArray());
    }
}
