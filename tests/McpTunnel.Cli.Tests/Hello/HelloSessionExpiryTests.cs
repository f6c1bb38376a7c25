using System.Net;
using System.Text;
using McpTunnel.Cli.Hello;
using Microsoft.Extensions.Time.Testing;

namespace McpTunnel.Cli.Tests.Hello;

/// <summary>Issue 13 item 4: idle sessions expire (the SDK's session store, on the clock the server is given).</summary>
public sealed class HelloSessionExpiryTests
{
    private const string Initialize =
        """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""";

    private const string Ping = """{"jsonrpc":"2.0","id":2,"method":"ping"}""";

    [Fact]
    public async Task IdleSession_PastTheIdleTimeout_IsEndedAndLaterRequestsGet404()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await HelloServer.StartAsync(HelloServerOptions.Loopback() with { SessionIdleTimeout = TimeSpan.FromMinutes(1), TimeProvider = clock }, HelloServerFixture.Timeout());
        using var http = new HttpClient();
        var sessionId = await InitializeAsync(http, server.Endpoint);

        using (var fresh = await PostAsync(http, server.Endpoint, Ping, sessionId))
        {
            Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        }

        // The SDK sweeps its session store every few seconds of the server's clock. Each round leaves the session
        // idle for two minutes of that clock, ticking the sweep as it goes; the probe after it is itself activity,
        // so a round that probes before the sweep finished simply starts the idle time again. Bounded by a deadline.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        HttpStatusCode status;
        do
        {
            for (var tick = 0; tick < 24; tick++)
            {
                clock.Advance(TimeSpan.FromSeconds(5));
            }

            status = await StatusAfterSweepAsync(http, server.Endpoint, sessionId);
        }
        while (status != HttpStatusCode.NotFound && DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task UsedSession_WithinTheIdleTimeout_StaysOpen()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await HelloServer.StartAsync(HelloServerOptions.Loopback() with { SessionIdleTimeout = TimeSpan.FromMinutes(10), TimeProvider = clock }, HelloServerFixture.Timeout());
        using var http = new HttpClient();
        var sessionId = await InitializeAsync(http, server.Endpoint);

        for (var i = 0; i < 5; i++)
        {
            clock.Advance(TimeSpan.FromMinutes(5)); // 25 minutes in all, never 10 idle
            using var response = await PostAsync(http, server.Endpoint, Ping, sessionId);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    private static async Task<HttpStatusCode> StatusAfterSweepAsync(HttpClient http, Uri endpoint, string sessionId)
    {
        using var response = await PostAsync(http, endpoint, Ping, sessionId);
        return response.StatusCode;
    }

    private static async Task<string> InitializeAsync(HttpClient http, Uri endpoint)
    {
        using var response = await PostAsync(http, endpoint, Initialize, null);
        response.EnsureSuccessStatusCode();
        var sessionId = response.Headers.GetValues("Mcp-Session-Id").Single();
        using var initialized = await PostAsync(http, endpoint, """{"jsonrpc":"2.0","method":"notifications/initialized"}""", sessionId);
        return sessionId;
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, Uri endpoint, string body, string? sessionId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        if (sessionId is not null)
        {
            request.Headers.Add("Mcp-Session-Id", sessionId);
        }

        return http.SendAsync(request, HelloServerFixture.Timeout());
    }
}
