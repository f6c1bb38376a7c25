using System.Collections.Concurrent;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpTunnel.Cli.Tests.Hello;

/// <summary>The official C# SDK client against the sample server over real loopback HTTP.</summary>
public sealed class HelloSdkClientTests(HelloServerFixture fixture) : IClassFixture<HelloServerFixture>
{
    /// <summary>The last revision with the initialize handshake and Mcp-Session-Id sessions (what the TS SDK and Claude use).</summary>
    private const string SessionRevision = "2025-11-25";

    [Fact]
    public async Task Initialize_SessionRevision_NegotiatesAndReportsServerInfo()
    {
        await using var client = await ConnectAsync(SessionRevision);

        Assert.Equal(SessionRevision, client.NegotiatedProtocolVersion);
        Assert.Equal("mcptunnel-hello", client.ServerInfo?.Name);
        Assert.NotNull(client.ServerCapabilities.Tools);
        Assert.False(string.IsNullOrEmpty(client.SessionId));
    }

    [Fact]
    public async Task ListTools_Default_ContainsHelloAndCountdown()
    {
        await using var client = await ConnectAsync(SessionRevision);

        var tools = await client.ListToolsAsync(cancellationToken: HelloServerFixture.Timeout());

        Assert.Contains(tools, t => t.Name == "hello");
        Assert.Contains(tools, t => t.Name == "countdown");
    }

    [Fact]
    public async Task CallHello_WithName_GreetsName()
    {
        await using var client = await ConnectAsync(SessionRevision);

        var result = await client.CallToolAsync("hello", new Dictionary<string, object?> { ["name"] = "tunnel" }, cancellationToken: HelloServerFixture.Timeout());

        Assert.NotEqual(true, result.IsError);
        Assert.Equal("Hello, tunnel!", TextOf(result));
    }

    [Fact]
    public async Task CallHello_WithoutName_GreetsWorld()
    {
        await using var client = await ConnectAsync(SessionRevision);

        var result = await client.CallToolAsync("hello", cancellationToken: HelloServerFixture.Timeout());

        Assert.Equal("Hello, world!", TextOf(result));
    }

    [Fact]
    public async Task CallCountdown_WithProgress_EveryStepIsReported()
    {
        // The server writes each notification before the result on the call's SSE stream (asserted on the
        // wire in HelloHttpTests and by the Node client). The 2.3.1 C# client dispatches notifications off its
        // receive loop and unhooks the call's IProgress when the result lands, so a late-dispatched one can
        // miss it; count them with a session-level handler instead, waiting (bounded) for all of them.
        await using var client = await ConnectAsync(SessionRevision);
        var progress = new RecordingProgress(expected: 4);
        await using var handler = client.RegisterNotificationHandler(NotificationMethods.ProgressNotification, (notification, _) =>
        {
            var value = notification.Params?["progress"]?.GetValue<float>() ?? -1;
            progress.Report(new ProgressNotificationValue { Progress = value, Total = 4 });
            return ValueTask.CompletedTask;
        });

        var result = await client.CallToolAsync(
            "countdown",
            new Dictionary<string, object?> { ["steps"] = 4, ["delayMs"] = 10 },
            new Progress<ProgressNotificationValue>(), // makes the client send a progressToken
            cancellationToken: HelloServerFixture.Timeout());
        await progress.AllReported.WaitAsync(HelloServerFixture.Timeout());

        Assert.Equal("Countdown of 4 finished.", TextOf(result));
        Assert.Equal([1f, 2f, 3f, 4f], progress.Values.Select(v => v.Progress).Order());
    }

    [Fact]
    public async Task CallCountdown_WithoutProgressToken_ReturnsResultOnly()
    {
        await using var client = await ConnectAsync(SessionRevision);

        var result = await client.CallToolAsync("countdown", new Dictionary<string, object?> { ["steps"] = 2, ["delayMs"] = 0 }, cancellationToken: HelloServerFixture.Timeout());

        Assert.Equal("Countdown of 2 finished.", TextOf(result));
    }

    [Fact]
    public async Task CallCountdown_StepsOutOfRange_IsToolError()
    {
        await using var client = await ConnectAsync(SessionRevision);

        var result = await client.CallToolAsync("countdown", new Dictionary<string, object?> { ["steps"] = 0 }, cancellationToken: HelloServerFixture.Timeout());

        Assert.True(result.IsError);
    }

    [Fact]
    public async Task CallHello_DefaultClientOptions_UsesPerRequestRevisionWithoutSession()
    {
        // No pinned revision: the 2.3.1 client probes server/discover and, since the server answers it,
        // speaks 2026-07-28 (per-request metadata, no Mcp-Session-Id); each POST is served statelessly.
        // (Progress on this path: the server writes the notifications on the POST's SSE stream, but the
        // 2.3.1 client does not hand them to IProgress; progress is tested on the session revision.)
        await using var client = await ConnectAsync(protocolVersion: null);

        var hello = await client.CallToolAsync("hello", new Dictionary<string, object?> { ["name"] = "tunnel" }, cancellationToken: HelloServerFixture.Timeout());

        Assert.Equal("2026-07-28", client.NegotiatedProtocolVersion);
        Assert.Equal("Hello, tunnel!", TextOf(hello));
        Assert.True(string.IsNullOrEmpty(client.SessionId));
    }

    private async Task<McpClient> ConnectAsync(string? protocolVersion)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = fixture.Endpoint,
            TransportMode = HttpTransportMode.StreamableHttp,
        });
        var options = new McpClientOptions { ProtocolVersion = protocolVersion };
        return await McpClient.CreateAsync(transport, options, cancellationToken: HelloServerFixture.Timeout());
    }

    private static string TextOf(CallToolResult result) =>
        string.Concat(result.Content.OfType<TextContentBlock>().Select(c => c.Text));

    /// <summary>Records every report and completes <see cref="AllReported"/> once the expected count arrived.</summary>
    private sealed class RecordingProgress(int expected) : IProgress<ProgressNotificationValue>
    {
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ConcurrentQueue<ProgressNotificationValue> Values { get; } = new();

        public Task AllReported => _all.Task;

        public void Report(ProgressNotificationValue value)
        {
            Values.Enqueue(value);
            if (Values.Count >= expected)
            {
                _all.TrySetResult();
            }
        }
    }
}
