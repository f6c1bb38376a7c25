using System.Text;
using McpTunnel.Proxy.Tests.Infrastructure;

namespace McpTunnel.Proxy.Tests.Observability;

/// <summary>
/// Traces go out through the real OpenTelemetry OTLP exporter (http/protobuf, configured only by OTEL_* variables) to
/// a receiver in the test. OTLP protobuf carries strings and ids as raw bytes, so the assertions search the exported
/// bytes: attribute names and values that must be there, the tool argument and result that must never be.
/// </summary>
public sealed class TracingTests
{
    [Fact]
    public async Task ToolCall_IsExportedAsOneSpanWithMcpAttributes_ContinuesTheCallersTrace_AndNeverCarriesArgumentsOrResults()
    {
        await using var receiver = await OtlpReceiver.StartAsync(OtlpReceiver.Traces);
        await using var upstream = await TestUpstream.StartAsync();
        var proxy = await StartTracedAsync(receiver, upstream);
        var client = proxy.CreateClient();
        const string callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
        using var response = await JsonRpcPost.SendAsync(
            client,
            proxy.UrlFor("traced", "/echo/mcp"),
            """{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"get_weather","arguments":{"city":"argument-canary-9931"}}}""",
            ("traceparent", $"00-{callerTrace}-00f067aa0ba902b7-01"),
            ("Mcp-Session-Id", "session-canary-5520"));
        var echo = EchoResponse.Parse(await response.Content.ReadAsStringAsync());
        await proxy.DisposeAsync(); // stopping flushes the exporter

        var upstreamParent = echo.Headers.First(h => h.Key.Equals("traceparent", StringComparison.OrdinalIgnoreCase)).Value;
        Assert.StartsWith($"00-{callerTrace}-", upstreamParent, StringComparison.Ordinal);
        Assert.DoesNotContain("00f067aa0ba902b7", upstreamParent, StringComparison.Ordinal); // our span, not the caller's, is the parent
        var exported = receiver.Bytes();
        Assert.True(exported.Length > 0, "nothing was exported");
        Assert.True(Contains(exported, Convert.FromHexString(callerTrace)), "the span is not in the caller's trace");
        Assert.True(Contains(exported, Convert.FromHexString(upstreamParent.Split('-')[2])), "the upstream's parent is not the exported span");
        foreach (var expected in new[] { "mcp.method.name", "tools/call", "gen_ai.tool.name", "get_weather", "mcp.session.id", "mcptunnel.route", "traced", "tools/call get_weather" })
        {
            Assert.True(Contains(exported, Encoding.UTF8.GetBytes(expected)), $"\"{expected}\" is not in the exported span");
        }

        Assert.Contains("argument-canary-9931", echo.Body, StringComparison.Ordinal); // the upstream did get (and echo) it
        foreach (var secret in new[] { "argument-canary-9931", "session-canary-5520", "arguments" })
        {
            Assert.False(Contains(exported, Encoding.UTF8.GetBytes(secret)), $"\"{secret}\" appeared in an exported span");
        }
    }

    [Fact]
    public async Task ToolCallWithADecoyMcpName_SpanNamesTheBodysTool_AndRecordsWhatTheHeadersClaimed()
    {
        await using var receiver = await OtlpReceiver.StartAsync(OtlpReceiver.Traces);
        await using var upstream = await TestUpstream.StartAsync();
        var proxy = await StartTracedAsync(receiver, upstream);
        var client = proxy.CreateClient();
        (await JsonRpcPost.SendAsync(client, proxy.UrlFor("traced", "/echo/mcp"), """{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"realtool"}}""", ("Mcp-Method", "tools/call"), ("Mcp-Name", "decoy-name"))).Dispose();
        await proxy.DisposeAsync();

        var exported = receiver.Bytes();
        foreach (var expected in new[] { "tools/call realtool", "gen_ai.tool.name", "mcptunnel.mcp.header_mismatch", "Mcp-Name", "mcptunnel.mcp.header_name", "decoy-name" })
        {
            Assert.True(Contains(exported, Encoding.UTF8.GetBytes(expected)), $"\"{expected}\" is not in the exported span");
        }

        Assert.False(Contains(exported, Encoding.UTF8.GetBytes("tools/call decoy-name")), "the span is named after the header's tool");
    }

    [Fact]
    public async Task ToolCallThePolicyDenies_IsTracedWithTheDecisionAndTheRule_ThoughNothingWasForwarded()
    {
        await using var receiver = await OtlpReceiver.StartAsync(OtlpReceiver.Traces);
        await using var upstream = await TestUpstream.StartAsync();
        var proxy = await TestProxy.StartAsync($"traced: http://127.0.0.1:{upstream.Port}", "upstream:\n  allowed_ips: [127.0.0.0/8]\npolicy:\n  traced:\n    tools: { deny: [\"delete_*\"] }\n", telemetryEnvironment: receiver.ExporterEnvironment);
        var client = proxy.CreateClient();
        (await JsonRpcPost.SendAsync(client, proxy.UrlFor("traced", "/echo/mcp"), """{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"delete_ticket"}}""")).Dispose();
        await proxy.DisposeAsync();

        Assert.Equal(0, upstream.EchoRequests);
        var exported = receiver.Bytes();
        foreach (var expected in new[] { "tools/call delete_ticket", "mcptunnel.policy.decision", "denied", "mcptunnel.policy.rule", "policy.traced.tools.deny[0]" })
        {
            Assert.True(Contains(exported, Encoding.UTF8.GetBytes(expected)), $"\"{expected}\" is not in the exported span");
        }
    }

    // W3C Trace Context: a traceparent that is absent or not valid starts a new trace, and a new trace carries no
    // tracestate (section 4.3); a valid one is continued with its tracestate.
    [Theory]
    [InlineData(null, false)]
    [InlineData("garbage", false)]
    [InlineData("00-00000000000000000000000000000000-b7ad6b7169203331-01", false)]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01", false)]
    [InlineData("00_0af7651916cd43dd8448eb211c80319c_b7ad6b7169203331_01", false)]
    [InlineData("00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01", false)]
    [InlineData("ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", false)]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", true)]
    public async Task CallersTraceparent_IsContinuedOnlyWhenValid_ANewTraceDropsTracestate(string? traceparent, bool continued)
    {
        await using var receiver = await OtlpReceiver.StartAsync(OtlpReceiver.Traces);
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await StartTracedAsync(receiver, upstream);
        using var request = new HttpRequestMessage(HttpMethod.Get, proxy.UrlFor("traced", "/echo/mcp"));
        if (traceparent is not null)
        {
            request.Headers.TryAddWithoutValidation("traceparent", traceparent);
        }

        request.Headers.TryAddWithoutValidation("tracestate", "vend=x");
        using var response = await proxy.CreateClient().SendAsync(request);
        var headers = EchoResponse.Parse(await response.Content.ReadAsStringAsync()).Headers;

        var sent = headers["traceparent"];
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", sent);
        Assert.Equal(continued, sent.StartsWith("00-0af7651916cd43dd8448eb211c80319c-", StringComparison.Ordinal));
        Assert.DoesNotContain("b7ad6b7169203331", sent, StringComparison.Ordinal); // our span is the upstream's parent
        Assert.Equal(continued, headers.TryGetValue("tracestate", out var state));
        if (continued)
        {
            Assert.Equal("vend=x", state);
        }
    }

    /// <summary>A proxy with the route <c>traced</c> to <paramref name="upstream"/>, exporting its spans to <paramref name="receiver"/>.</summary>
    private static Task<TestProxy> StartTracedAsync(OtlpReceiver receiver, TestUpstream upstream) =>
        TestProxy.StartAsync($"traced: http://127.0.0.1:{upstream.Port}", telemetryEnvironment: receiver.ExporterEnvironment);

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
