using System.Net;
using System.Text;
using System.Text.Json;
using McpTunnel.Proxy.Tests.Infrastructure;

namespace McpTunnel.Proxy.Tests.Policy;

/// <summary>The MCP policy through real tunnels: what is refused never reaches the upstream; what is allowed arrives byte for byte.</summary>
public sealed class PolicyEndToEndTests
{
    private const string Policy = """
        upstream:
          allowed_ips: [127.0.0.0/8]
        policy:
          echo:
            tools:
              deny: ["delete_*"]
            prompts:
              allow: [public_*]
            resources:
              default: deny
              allow: ["docs://*"]
            tool_limits:
              slow_report: { rate: 2/1h }
        """;

    private static async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> PostAsync(TestProxy proxy, string json, bool http2 = false, string? mcpMethod = null, string? mcpName = null)
    {
        var response = await JsonRpcPost.SendAsync(proxy.CreateClient(http2), proxy, json, ("Mcp-Method", mcpMethod), ("Mcp-Name", mcpName));
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DeniedToolCall_GetsAToolErrorTheModelCanRead_AndNeverReachesTheUpstream(bool http2)
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream, Policy);

        var (status, body, _) = await PostAsync(proxy, """{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"name":"delete_ticket","arguments":{"id":1}}}""", http2);

        Assert.Equal(HttpStatusCode.OK, status);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(42, json.RootElement.GetProperty("id").GetInt32());
        var result = json.RootElement.GetProperty("result");
        Assert.True(result.GetProperty("isError").GetBoolean());
        Assert.Contains("\"delete_ticket\" is not available", result.GetProperty("content")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, upstream.EchoRequests);
        Assert.Contains(proxy.Logs.Entries, e => e.Message == "policy refused request" && e.ToString().Contains("delete_*", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AllowedToolCall_ReachesTheUpstreamByteForByte()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream, Policy);
        const string call = "{ \"jsonrpc\":\"2.0\", \"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"search\",\"arguments\":{\"q\":\"\\u00e9t\\u00e9\"}} }";

        var (status, body, _) = await PostAsync(proxy, call);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(call, EchoResponse.Parse(body).Body);
        Assert.Equal(1, upstream.EchoRequests);
    }

    [Fact]
    public async Task PromptAndResourceDenials_AreJsonRpcErrorsWithTheSpecificationsCodes()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream, Policy);

        var (_, prompt, _) = await PostAsync(proxy, """{"jsonrpc":"2.0","id":"p","method":"prompts/get","params":{"name":"internal_summary"}}""");
        var (_, resource, _) = await PostAsync(proxy, """{"jsonrpc":"2.0","id":"r","method":"resources/read","params":{"uri":"file:///etc/passwd"}}""");
        var (_, allowed, _) = await PostAsync(proxy, """{"jsonrpc":"2.0","id":"a","method":"resources/read","params":{"uri":"docs://readme"}}""");

        Assert.Equal(-32602, JsonDocument.Parse(prompt).RootElement.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(-32002, JsonDocument.Parse(resource).RootElement.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Contains("docs://readme", EchoResponse.Parse(allowed).Body, StringComparison.Ordinal);
        Assert.Equal(1, upstream.EchoRequests);
    }

    [Fact]
    public async Task BatchMixingAllowedAndDeniedCalls_IsRefusedWhole_WithAnAnswerPerRequest()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream, Policy);

        var (status, body, _) = await PostAsync(proxy, """[{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search"}},{"jsonrpc":"2.0","method":"notifications/progress"},{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"delete_all"}}]""");

        Assert.Equal(HttpStatusCode.OK, status);
        var answers = JsonDocument.Parse(body).RootElement.EnumerateArray().ToArray();
        Assert.Equal(2, answers.Length);
        Assert.Equal(-32600, answers[0].GetProperty("error").GetProperty("code").GetInt32());
        Assert.True(answers[1].GetProperty("result").GetProperty("isError").GetBoolean());
        Assert.Equal(0, upstream.EchoRequests);
    }

    [Theory]
    [InlineData("tools/call", "delete_ticket")] // the headers name the denied call...
    [InlineData("ping", null)] // ...or hide the call behind another method
    [InlineData("tools/call", "search")] // ...or name an allowed tool over a denied body
    public async Task HeadersDisagreeingWithTheBody_Get400AndMinus32020_NothingForwarded(string method, string? name)
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream, Policy);
        var json = name == "delete_ticket"
            ? """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"search"}}"""
            : """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"delete_ticket"}}""";

        var (status, body, _) = await PostAsync(proxy, json, mcpMethod: method, mcpName: name);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(-32020, JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(0, upstream.EchoRequests);
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search","name":"delete_ticket"}}""", -32600)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search"}} trailing""", -32700)]
    [InlineData("""not json at all""", -32700)]
    public async Task UnreadableBody_IsRefusedFailClosed_NothingForwarded(string json, int code)
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream, Policy);

        var (status, body, _) = await PostAsync(proxy, json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(code, JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(0, upstream.EchoRequests);
    }

    [Fact]
    public async Task BodyOverMaxMessageSize_Gets413_NothingForwarded()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream, "upstream:\n  allowed_ips: [127.0.0.0/8]\npolicy:\n  echo:\n    max_message_size: 1KiB\n");
        var big = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"search\",\"arguments\":{\"q\":\"" + new string('x', 2000) + "\"}}}";

        var (status, _, _) = await PostAsync(proxy, big);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal(0, upstream.EchoRequests);
    }

    [Fact]
    public async Task ToolOverItsRate_Gets429WithRetryAfter_AndOnlyTheAllowedCallsArrive()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream, Policy);
        const string call = """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"slow_report"}}""";

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        string lastBody = "";
        for (var i = 0; i < 5; i++)
        {
            var (status, body, response) = await PostAsync(proxy, call);
            statuses.Add(status);
            last = response;
            lastBody = body;
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(2, upstream.EchoRequests);
        Assert.True(last!.Headers.RetryAfter?.Delta > TimeSpan.FromMinutes(29)); // one token per 30 minutes
        var error = JsonDocument.Parse(lastBody).RootElement.GetProperty("error");
        Assert.Equal(-32029, error.GetProperty("code").GetInt32());
        Assert.Contains("2 calls per 1h", error.GetProperty("message").GetString(), StringComparison.Ordinal);

        // Other tools are not limited.
        var (other, _, _) = await PostAsync(proxy, """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search"}}""");
        Assert.Equal(HttpStatusCode.OK, other);
    }

    [Fact]
    public async Task GetStream_AndRoutesWithoutPolicy_PassUntouched()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartAsync(
            $"echo: http://127.0.0.1:{upstream.Port}\nplain: http://127.0.0.1:{upstream.Port}",
            "upstream:\n  allowed_ips: [127.0.0.0/8]\npolicy:\n  echo:\n    tools: { deny: [\"*\"] }\n");
        var client = proxy.CreateClient();

        // A route with no policy forwards even a body the policy could not read.
        using var plain = await client.PostAsync(proxy.UrlFor("plain", "/echo"), new StringContent("not json", Encoding.UTF8, "application/json"));
        Assert.Equal("not json", EchoResponse.Parse(await plain.Content.ReadAsStringAsync()).Body);

        // GET carries no message: untouched on the policy route.
        using var get = await client.GetAsync(proxy.UrlFor("echo", "/echo?x=1"));
        Assert.Equal("GET", EchoResponse.Parse(await get.Content.ReadAsStringAsync()).Method);
        Assert.Equal(2, upstream.EchoRequests);
    }

    private const string ToolsListJson = """{"jsonrpc":"2.0","id":1,"result":{"tools":[{"name":"search"},{"name":"delete_ticket"},{"name":"get"}],"nextCursor":"c2"}}""";

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task ToolsListAnswer_JsonOrSse_AdvertisesNothingDenied_CursorIntact(bool sse, bool http2)
    {
        await using var upstream = await McpTunnel.Testing.LoopbackServer.StartAsync(async context =>
        {
            if (sse)
            {
                context.Response.ContentType = "text/event-stream";
                await context.Response.WriteAsync("event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progress\":1}}\n\n");
                await context.Response.WriteAsync($"event: message\nid: 9\ndata: {ToolsListJson}\n\n");
            }
            else
            {
                context.Response.ContentType = "application/json";
                context.Response.ContentLength = ToolsListJson.Length;
                await context.Response.WriteAsync(ToolsListJson);
            }
        });
        await using var proxy = await TestProxy.StartAsync($"echo: http://127.0.0.1:{upstream.Port}", Policy);

        var (status, body, response) = await PostAsync(proxy, """{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"cursor":"c1"}}""", http2);

        Assert.Equal(HttpStatusCode.OK, status);
        const string filtered = """{"jsonrpc":"2.0","id":1,"result":{"tools":[{"name":"search"},{"name":"get"}],"nextCursor":"c2"}}""";
        if (sse)
        {
            Assert.Equal("event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progress\":1}}\n\nevent: message\nid: 9\ndata: " + filtered + "\n\n", body);
        }
        else
        {
            Assert.Equal(filtered, body);
            Assert.Equal(filtered.Length, response.Content.Headers.ContentLength);
        }
    }

    [Fact]
    public async Task ListRequestInsideABatch_IsRefused_WhenItsKindIsFiltered()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream, Policy);

        var (_, body, _) = await PostAsync(proxy, """[{"jsonrpc":"2.0","id":1,"method":"tools/list"},{"jsonrpc":"2.0","id":2,"method":"ping"}]""");

        Assert.Equal(2, JsonDocument.Parse(body).RootElement.GetArrayLength());
        Assert.Equal(0, upstream.EchoRequests);
    }
}

