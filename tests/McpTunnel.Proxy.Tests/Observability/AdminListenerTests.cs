using System.Net;
using System.Net.WebSockets;
using McpTunnel.Proxy.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace McpTunnel.Proxy.Tests.Observability;

public sealed class AdminListenerTests
{
    internal const string WithAdmin = "admin_addr: \"127.0.0.1:0\"\nupstream:\n  allowed_ips: [127.0.0.0/8]\n";

    [Fact]
    public async Task PlainConfig_HasNoAdminListener()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);

        Assert.Null(proxy.Server.Observability.AdminUri);
        Assert.Null(proxy.Server.Observability.Metrics);
        Assert.Null(proxy.Server.Observability.Requests);
    }

    [Fact]
    public async Task HealthAndReady_WhenServing_Answer200_AndOtherPathsAre404()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream, WithAdmin);

        Assert.Equal((200, "ok\n"), await AdminScrape.GetAsync(proxy, "/healthz"));
        Assert.Equal((200, "ready\n"), await AdminScrape.GetAsync(proxy, "/readyz"));
        Assert.Equal(404, (await AdminScrape.GetAsync(proxy, "/mcp")).Status);
        Assert.NotEqual(proxy.Server.ListenUri.Port, AdminScrape.AdminUri(proxy).Port);
    }

    [Fact]
    public async Task TunnelListener_DoesNotServeAdminPaths()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream, WithAdmin);
        using var http = new HttpClient();

        using var response = await http.GetAsync(new Uri(proxy.Server.ListenUri, "/metrics"));

        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
    }

    [Fact]
    public async Task Readyz_WhenTheCertificateHasExpired_Answers503NamingTheFix()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var proxy = await TestProxy.StartAsync("echo: http://127.0.0.1:9", WithAdmin, time: time);
        Assert.Equal(200, (await AdminScrape.GetAsync(proxy, "/readyz")).Status);

        time.Advance(TimeSpan.FromDays(400));
        var (status, body) = await AdminScrape.GetAsync(proxy, "/readyz");
        var metrics = await AdminScrape.MetricsAsync(proxy);

        Assert.Equal(503, status);
        Assert.StartsWith("not ready: the certificate expired at ", body, StringComparison.Ordinal);
        Assert.Contains("setup renew-cert", body, StringComparison.Ordinal);
        Assert.True(AdminScrape.Value(metrics, "mcptunnel_certificate_expiry_seconds") < 0);
    }

    [Fact]
    public async Task Metrics_AfterMcpRequests_CountByRouteMethodAndTool_AndNeverShowArguments()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream, WithAdmin);
        var client = proxy.CreateClient();

        await PostAsync(client, proxy, """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{}}}""");
        await PostAsync(client, proxy, """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_weather","arguments":{"city":"canary-secret-4711"}}}""");
        await PostAsync(client, proxy, """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"arguments":{"city":"canary-secret-4711"},"name":"get_weather"}}""");
        var metrics = await AdminScrape.MetricsAfterRequestsAsync(proxy, 3);

        Assert.Equal(1, AdminScrape.Value(metrics, "mcptunnel_requests_total{route=\"echo\",method=\"POST\",status_class=\"2xx\",mcp_method=\"initialize\"}"));
        Assert.Equal(2, AdminScrape.Value(metrics, "mcptunnel_requests_total{route=\"echo\",method=\"POST\",status_class=\"2xx\",mcp_method=\"tools/call\"}"));
        Assert.Equal(2, AdminScrape.Value(metrics, "mcptunnel_mcp_tool_calls_total{route=\"echo\",tool=\"get_weather\",status_class=\"2xx\"}"));
        Assert.Equal(2, AdminScrape.Value(metrics, "mcptunnel_request_duration_seconds_count{route=\"echo\",mcp_method=\"tools/call\"}"));
        Assert.Equal(1, AdminScrape.Value(metrics, "mcptunnel_tunnels_active"));
        Assert.Equal(1, AdminScrape.Value(metrics, "mcptunnel_tls_handshakes_total{result=\"ok\""));
        Assert.True(AdminScrape.Value(metrics, "mcptunnel_tunnel_received_bytes_total") > 0);
        Assert.True(AdminScrape.Value(metrics, "mcptunnel_tunnel_sent_bytes_total") > 0);
        Assert.True(AdminScrape.Value(metrics, "mcptunnel_certificate_expiry_seconds") > 86400);
        Assert.Equal(1, AdminScrape.Value(metrics, "mcptunnel_build_info{version="));
        Assert.True(AdminScrape.Value(metrics, "process_cpu_seconds_total") > 0);
        Assert.DoesNotContain("canary-secret-4711", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EventStream_WhileOpen_IsCountedAsStreaming_AndGetHasNoMcpMethod()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream, WithAdmin);
        var client = proxy.CreateClient();

        using var response = await client.GetAsync(proxy.UrlFor("echo", "/sse"), HttpCompletionOption.ResponseHeadersRead);
        var during = await AdminScrape.MetricsAsync(proxy);
        upstream.SseEvents.Writer.Complete();
        await response.Content.ReadAsStringAsync();
        var after = await AdminScrape.MetricsAfterRequestsAsync(proxy, 1);

        Assert.Equal(1, AdminScrape.Value(during, "mcptunnel_streaming_responses_open"));
        Assert.Equal(0, AdminScrape.Value(after, "mcptunnel_streaming_responses_open"));
        Assert.Equal(1, AdminScrape.Value(after, "mcptunnel_requests_total{route=\"echo\",method=\"GET\",status_class=\"2xx\",mcp_method=\"none\"}"));
    }

    [Fact]
    public async Task EgressDenial_IsCountedByRouteAndKind()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartAsync($"echo: http://127.0.0.1:{upstream.Port}", "admin_addr: \"127.0.0.1:0\"\n");
        var client = proxy.CreateClient();

        (await client.GetAsync(proxy.UrlFor("echo", "/echo"))).Dispose();
        var metrics = await AdminScrape.MetricsAfterRequestsAsync(proxy, 1);

        Assert.Equal(1, AdminScrape.Value(metrics, "mcptunnel_egress_denied_total{route=\"echo\"}"));
        Assert.Equal(1, AdminScrape.Value(metrics, "mcptunnel_upstream_failures_total{route=\"echo\",kind=\"EgressDenied\"}"));
        Assert.Equal(1, AdminScrape.Value(metrics, "mcptunnel_requests_total{route=\"echo\",method=\"GET\",status_class=\"5xx\",mcp_method=\"none\"}"));
    }

    [Fact]
    public async Task ClientSpeakingPlainHttpInsideTheTunnel_IsCountedAsAHandshakeFailureWithItsReason()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream, WithAdmin);
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(proxy.WebSocketUri, CancellationToken.None);

        await socket.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray(), WebSocketMessageType.Binary, true, CancellationToken.None);
        await proxy.Logs.WaitForMessageAsync("tls handshake failed");
        var metrics = await AdminScrape.MetricsAsync(proxy);

        Assert.Equal(1, AdminScrape.Value(metrics, "mcptunnel_tls_handshakes_total{result=\"failed\""));
        Assert.Equal(1, AdminScrape.Value(metrics, "mcptunnel_tunnels_opened_total{outcome=\"tls_failed\"}"));
        Assert.Equal(1, AdminScrape.Value(metrics, "mcptunnel_websocket_closes_total{code=\"1008\"}"));
    }

    private static async Task PostAsync(HttpClient client, TestProxy proxy, string json)
    {
        using var response = await JsonRpcPost.SendAsync(client, proxy.UrlFor("echo", "/echo/mcp"), json);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
