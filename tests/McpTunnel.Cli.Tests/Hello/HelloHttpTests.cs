using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace McpTunnel.Cli.Tests.Hello;

/// <summary>
/// The Streamable HTTP behaviour seen from raw HTTP, as ModelContextProtocol.AspNetCore's MapMcp serves it:
/// sessions, GET stream, DELETE, malformed input. Only what clients, the demo and the tunnel tests rely on.
/// </summary>
public sealed class HelloHttpTests(HelloServerFixture fixture) : IClassFixture<HelloServerFixture>, IDisposable
{
    private const string Initialize =
        """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""";
    private const string ToolsList = """{"jsonrpc":"2.0","id":2,"method":"tools/list"}""";

    private readonly HttpClient _http = new();

    [Fact]
    public async Task Initialize_WithoutSession_ReturnsSseAndSessionId()
    {
        using var response = await PostAsync(Initialize, sessionId: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.False(string.IsNullOrEmpty(SessionIdOf(response)));
        Assert.Contains("\"serverInfo\":{\"name\":\"mcptunnel-hello\"", await response.Content.ReadAsStringAsync(HelloServerFixture.Timeout()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_Session_LaterRequestGets404()
    {
        var sessionId = await StartSessionAsync();

        using var delete = await SendAsync(HttpMethod.Delete, null, sessionId);
        using var after = await PostAsync(ToolsList, sessionId);

        Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
        Assert.Equal(-32001, ErrorCodeOf(await after.Content.ReadAsStringAsync(HelloServerFixture.Timeout())));
    }

    [Fact]
    public async Task Post_BadJsonBody_Gets400AndServerStaysHealthy()
    {
        var sessionId = await StartSessionAsync();

        using var bad = await PostAsync("{not json", sessionId);
        using var notRpc = await PostAsync("[1,2,3]", sessionId);
        using var good = await PostAsync(ToolsList, sessionId);

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, notRpc.StatusCode);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Contains("\"name\":\"hello\"", await good.Content.ReadAsStringAsync(HelloServerFixture.Timeout()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_ToolsListWithoutSession_Gets400()
    {
        using var response = await PostAsync(ToolsList, sessionId: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Post_UnknownSession_Gets404()
    {
        using var response = await PostAsync(ToolsList, sessionId: "no-such-session");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Post_AcceptOnlyJson_Gets406NamingBothTypes()
    {
        // The SDK holds clients to the transport's rule: accept both application/json and text/event-stream.
        var sessionId = await StartSessionAsync();

        using var response = await PostAsync(ToolsList, sessionId, accept: "application/json");

        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
        Assert.Contains("text/event-stream", await response.Content.ReadAsStringAsync(HelloServerFixture.Timeout()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_AcceptNeither_Gets406()
    {
        using var response = await PostAsync(Initialize, sessionId: null, accept: "text/plain");

        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
    }

    [Fact]
    public async Task Post_Notification_Gets202WithoutBody()
    {
        var sessionId = await StartSessionAsync();

        using var response = await PostAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", sessionId);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(HelloServerFixture.Timeout()));
    }

    [Fact]
    public async Task Get_Session_OpensOneEventStreamThatEndsWithDelete()
    {
        var sessionId = await StartSessionAsync();

        using var get = await SendAsync(HttpMethod.Get, null, sessionId, accept: "text/event-stream", HttpCompletionOption.ResponseHeadersRead);
        using var second = await SendAsync(HttpMethod.Get, null, sessionId, accept: "text/event-stream");
        var drained = get.Content.ReadAsStringAsync(HelloServerFixture.Timeout());
        using var delete = await SendAsync(HttpMethod.Delete, null, sessionId);
        await drained; // completes only because DELETE ended the stream (bounded by the timeout)

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("text/event-stream", get.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode); // one GET stream per session
    }

    [Fact]
    public async Task Post_CountdownWithProgressToken_StreamsEveryNotificationBeforeResult()
    {
        var sessionId = await StartSessionAsync();
        const string call = """{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"countdown","arguments":{"steps":3,"delayMs":0},"_meta":{"progressToken":"t"}}}""";

        using var response = await PostAsync(call, sessionId);
        var events = (await response.Content.ReadAsStringAsync(HelloServerFixture.Timeout()))
            .Split('\n')
            .Where(line => line.StartsWith("data:", StringComparison.Ordinal))
            .Select(line => JsonDocument.Parse(line[5..]).RootElement)
            .ToList();

        Assert.Equal(4, events.Count);
        Assert.All(events.Take(3), e => Assert.Equal("notifications/progress", e.GetProperty("method").GetString()));
        Assert.Equal([1, 2, 3], events.Take(3).Select(e => e.GetProperty("params").GetProperty("progress").GetInt32()));
        Assert.Equal(7, events[3].GetProperty("id").GetInt32());
    }

    public void Dispose() => _http.Dispose();

    private async Task<string> StartSessionAsync()
    {
        using var response = await PostAsync(Initialize, sessionId: null);
        response.EnsureSuccessStatusCode();
        var sessionId = SessionIdOf(response);
        using var initialized = await PostAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", sessionId);
        return sessionId;
    }

    private Task<HttpResponseMessage> PostAsync(string body, string? sessionId, string accept = "application/json, text/event-stream") =>
        SendAsync(HttpMethod.Post, body, sessionId, accept);

    private Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string? body, string? sessionId, string accept = "application/json, text/event-stream",
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        var request = new HttpRequestMessage(method, fixture.Endpoint);
        request.Headers.Accept.ParseAdd(accept);
        if (sessionId is not null)
        {
            request.Headers.Add("Mcp-Session-Id", sessionId);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }

        return _http.SendAsync(request, completion, HelloServerFixture.Timeout());
    }

    private static string SessionIdOf(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Mcp-Session-Id", out var values) ? values.Single() : "";

    private static int ErrorCodeOf(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("error").GetProperty("code").GetInt32();
    }
}
