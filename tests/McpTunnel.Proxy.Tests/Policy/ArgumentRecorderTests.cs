using System.Text;
using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Policy;

namespace McpTunnel.Proxy.Tests.Policy;

/// <summary>The audit's view of a call's arguments, taken in the policy reader's one pass: shapes or redacted values, bounded, never changing the decision.</summary>
public sealed class ArgumentRecorderTests
{
    private const string Call = """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"login","arguments":{"user":"ann","Password":"hunter2","n":4.50,"ok":true,"tags":["a","b"],"deep":{"api_token":"t0k"}}}}""";

    private static string? Recorded(string body, AuditArguments mode, params string[] keys)
    {
        var read = McpBodyReader.Read(Encoding.UTF8.GetBytes(body), new ArgumentRecorder(mode, keys.Length > 0 ? keys : AuditSettings.DefaultRedactKeys));
        return read.Body?.Messages[0].Arguments is { } arguments ? Encoding.UTF8.GetString(arguments.Span) : null;
    }

    [Fact]
    public void Shapes_KeepKeysAndTypesOnly()
    {
        Assert.Equal("""{"user":"string","Password":"string","n":"number","ok":"boolean","tags":["string","string"],"deep":{"api_token":"string"}}""", Recorded(Call, AuditArguments.Shapes));
    }

    [Fact]
    public void Redacted_KeepsValues_ButNotThoseUnderARedactKeyInAnyLetterCase()
    {
        Assert.Equal("""{"user":"ann","Password":"[redacted]","n":4.50,"ok":true,"tags":["a","b"],"deep":{"api_token":"[redacted]"}}""", Recorded(Call, AuditArguments.Redacted));
        Assert.Equal("""{"user":"[redacted]","Password":"hunter2","n":4.50,"ok":true,"tags":["a","b"],"deep":{"api_token":"t0k"}}""", Recorded(Call, AuditArguments.Redacted, "USER"));
    }

    [Fact]
    public void LargeArguments_AreTruncated_AndTheDecisionIsTheSame()
    {
        var body = $$$"""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"arguments":{"blob":"{{{new string('x', 10_000)}}}"},"name":"delete_all"}}""";

        Assert.Equal("\"[truncated]\"", Recorded(body, AuditArguments.Redacted));
        Assert.Equal("delete_all", McpBodyReader.Read(Encoding.UTF8.GetBytes(body), new ArgumentRecorder(AuditArguments.Redacted, [])).Body!.Messages[0].TargetName);
    }

    [Fact]
    public void StringThatIsNotValidUtf16_IsRecordedUnreadable_AndTheBodyIsStillRead()
    {
        const string body = """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t","arguments":{"x":"\ud800"}}}""";

        Assert.Equal(McpBodyReader.Read(Encoding.UTF8.GetBytes(body)).Body is null, McpBodyReader.Read(Encoding.UTF8.GetBytes(body), new ArgumentRecorder(AuditArguments.Redacted, [])).Body is null);
        Assert.Equal("""{"x":"[unreadable]"}""", Recorded(body, AuditArguments.Redacted));
    }

    [Fact]
    public void NoRecorder_NoArguments()
    {
        Assert.Null(McpBodyReader.Read(Encoding.UTF8.GetBytes(Call)).Body!.Messages[0].Arguments);
    }
}
