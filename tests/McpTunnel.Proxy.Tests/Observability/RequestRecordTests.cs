using System.Net;
using McpTunnel.Proxy.Tests.Infrastructure;

namespace McpTunnel.Proxy.Tests.Observability;

/// <summary>
/// One per-request record behind metrics and spans, begun before the MCP policy: what the policy answers is counted
/// with the status the caller got, and on a policy route what the request is comes from the policy's read of the whole
/// body (the body is not read a second time by the peek, which sees only its first 4 KB).
/// </summary>
public sealed class RequestRecordTests
{
    private const string PolicyWithAdmin = """
        admin_addr: "127.0.0.1:0"
        upstream:
          allowed_ips: [127.0.0.0/8]
        policy:
          echo:
            tools:
              deny: ["delete_*"]
            tool_limits:
              slow_report: { rate: 1/1h }
        """;

    private static async Task<HttpStatusCode> PostAsync(TestProxy proxy, string json, string? mcpMethod = null)
    {
        using var response = await JsonRpcPost.SendAsync(proxy.CreateClient(), proxy, json, ("Mcp-Method", mcpMethod));
        return response.StatusCode;
    }

    [Fact]
    public async Task RequestsThePolicyAnswers_AreCountedWithTheStatusTheCallerGot()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream, PolicyWithAdmin);

        var denied = await PostAsync(proxy, """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"delete_all"}}""");
        var allowed = await PostAsync(proxy, """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"slow_report"}}""");
        var limited = await PostAsync(proxy, """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"slow_report"}}""");
        var mismatch = await PostAsync(proxy, """{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"search"}}""", mcpMethod: "ping");
        var metrics = await AdminScrape.MetricsAfterRequestsAsync(proxy, 4);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.BadRequest], new[] { denied, allowed, limited, mismatch });
        Assert.Equal(1, upstream.EchoRequests);
        Assert.Equal(2, AdminScrape.Value(metrics, "mcptunnel_requests_total{route=\"echo\",method=\"POST\",status_class=\"2xx\",mcp_method=\"tools/call\"}"));
        Assert.Equal(2, AdminScrape.Value(metrics, "mcptunnel_requests_total{route=\"echo\",method=\"POST\",status_class=\"4xx\",mcp_method=\"tools/call\"}"));
        Assert.Equal(1, AdminScrape.Value(metrics, "mcptunnel_mcp_tool_calls_total{route=\"echo\",tool=\"delete_all\",status_class=\"2xx\"}"));
        Assert.Equal(1, AdminScrape.Value(metrics, "mcptunnel_mcp_tool_calls_total{route=\"echo\",tool=\"slow_report\",status_class=\"4xx\"}"));
        Assert.Equal(1, AdminScrape.Value(metrics, "mcptunnel_mcp_header_mismatches_total{route=\"echo\",header=\"Mcp-Method\"}"));
        Assert.Equal(4, AdminScrape.Value(metrics, "mcptunnel_request_duration_seconds_count{route=\"echo\",mcp_method=\"tools/call\"}"));
    }

    [Fact]
    public async Task ToolNamedAfterTheFirst4KB_OnAPolicyRoute_IsRecordedFromThePolicysReadOfTheWholeBody()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream, PolicyWithAdmin);
        var padding = new string('x', 6000);

        var status = await PostAsync(proxy, $$$"""{"jsonrpc":"2.0","id":1,"padding":"{{{padding}}}","method":"tools/call","params":{"name":"late_tool"}}""");
        var metrics = await AdminScrape.MetricsAfterRequestsAsync(proxy, 1);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, upstream.EchoRequests);
        Assert.Equal(1, AdminScrape.Value(metrics, "mcptunnel_mcp_tool_calls_total{route=\"echo\",tool=\"late_tool\",status_class=\"2xx\"}"));
        Assert.Null(AdminScrape.Value(metrics, "mcptunnel_requests_total{route=\"echo\",method=\"POST\",status_class=\"2xx\",mcp_method=\"unknown\"}"));
    }
}
