using System.Net;
using System.Text.Json;
using McpTunnel.Cli.Demo;
using McpTunnel.Cli.Tests.Hello;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpTunnel.Cli.Tests.Demo;

/// <summary>Issue 3: real MCP clients through edge → WebSocket → inner TLS → mcp-proxy → sample server.</summary>
public sealed class DemoTests
{
    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    [Fact]
    public async Task DemoOnce_PrintsTheToolAnswer_AndExitsZero()
    {
        using var output = new StringWriter();

        var exitCode = await DemoCommand.RunAsync(port: 0, once: true, verbose: false, output, Timeout());

        Assert.Equal(0, exitCode);
        Assert.Contains("Hello, tunnel!", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("MCP URL for any client", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CSharpSdkClient_ThroughTunnel_ListsCallsAndStreamsProgress()
    {
        await using var stack = await DemoStack.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), null, Timeout());
        var transport = new HttpClientTransport(new HttpClientTransportOptions { Endpoint = stack.McpUrl, TransportMode = HttpTransportMode.StreamableHttp });
        await using var client = await McpClient.CreateAsync(transport, new McpClientOptions { ProtocolVersion = "2025-11-25" }, cancellationToken: Timeout());

        var tools = await client.ListToolsAsync(cancellationToken: Timeout());
        Assert.Contains(tools, t => t.Name == "hello");

        var hello = await client.CallToolAsync("hello", new Dictionary<string, object?> { ["name"] = "tunnel" }, cancellationToken: Timeout());
        Assert.Equal("Hello, tunnel!", string.Concat(hello.Content.OfType<TextContentBlock>().Select(c => c.Text)));

        // Progress notifications arrive over SSE while the call runs (counted at the session, see HelloSdkClientTests).
        var received = 0;
        var allArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = client.RegisterNotificationHandler(NotificationMethods.ProgressNotification, (_, _) =>
        {
            if (Interlocked.Increment(ref received) == 3)
            {
                allArrived.TrySetResult();
            }

            return ValueTask.CompletedTask;
        });
        var countdown = await client.CallToolAsync(
            "countdown",
            new Dictionary<string, object?> { ["steps"] = 3, ["delayMs"] = 50 },
            new Progress<ProgressNotificationValue>(_ => { }),
            cancellationToken: Timeout());
        await allArrived.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.NotEqual(true, countdown.IsError);
        Assert.Equal(3, received);
        Assert.True(stack.Proxy.Tunnels.ActiveTunnels >= 1);
    }

    [Fact]
    public async Task TypeScriptSdkClient_ThroughTunnel_CallsHelloWithProgress()
    {
        await using var stack = await DemoStack.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), null, Timeout());

        var (exitCode, stdout, stderr) = await HelloNodeClientTests.RunNodeClientAsync(stack.McpUrl.ToString(), "--progress", "--steps", "3", "--delay-ms", "20");

        Assert.True(exitCode == 0, stderr + stdout);
        using var json = JsonDocument.Parse(stdout);
        Assert.True(json.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal("Hello, tunnel!", json.RootElement.GetProperty("hello").GetProperty("text").GetString());
        Assert.Equal(3, json.RootElement.GetProperty("progress").GetProperty("count").GetInt32());
    }
}
