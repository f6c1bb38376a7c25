using System.IO.Pipelines;
using System.Net;
using McpTunnel.Proxy.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace McpTunnel.Proxy.Tests.Forwarding;

/// <summary>
/// <c>upstream.response_header_timeout</c> bounds the upstream's time to answer, counted from the end of the request
/// body: an upload may take longer than the timeout, a silent upstream after the body still gets 504. Unset, there is
/// no limit (a tool answered in one JSON response sends nothing for as long as it runs); per route,
/// <c>upstream.response_header_timeout_by_route</c> wins. The proxy runs on a fake clock, so "longer" is an Advance,
/// not a wait; the tunnel's keep-alive is set beyond the advances, so only the deadline under test can fire.
/// </summary>
public sealed class ResponseHeaderTimeoutTests
{
    private const string TwoSeconds = "upstream:\n  allowed_ips: [127.0.0.0/8]\n  response_header_timeout: 2s\n";
    private const string QuietKeepAlive = "limits:\n  ping_interval: 24h\n  ping_timeout: 24h\n";

    [Fact]
    public async Task DefaultConfig_UpstreamSilentLongerThanClaudesWait_IsAnsweredWhenItAnswers()
    {
        var clock = new FakeTimeProvider();
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartAsync($"echo: http://127.0.0.1:{upstream.Port}", "upstream:\n  allowed_ips: [127.0.0.0/8]\n" + QuietKeepAlive, time: clock);

        var call = await UploadThenWaitAsync(proxy.CreateClient(), proxy, "echo", upstream);
        clock.Advance(TimeSpan.FromSeconds(305)); // the old 60 s default, and Claude's 300 s, are both behind us
        clock.Advance(TimeSpan.FromMinutes(30));
        upstream.SlowRelease.TrySetResult();

        using var response = await call.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("answered", await response.Content.ReadAsStringAsync());
        Assert.DoesNotContain(proxy.Logs.Entries, e => e.Message == "upstream request failed");
    }

    [Fact]
    public async Task ScalarTimeout_Fires_LogNamesRouteLimitAndSetting()
    {
        var clock = new DeadlineClock();
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartAsync($"echo: http://127.0.0.1:{upstream.Port}", TwoSeconds + QuietKeepAlive, time: clock);

        var call = await UploadThenWaitAsync(proxy.CreateClient(), proxy, "echo", upstream);
        await ReachDeadlineAsync(clock, TimeSpan.FromSeconds(2), call);

        using var response = await call.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        var line = await proxy.Logs.WaitForMessageAsync("upstream request failed");
        Assert.Equal(LogLevel.Error, line.Level);
        Assert.Equal("echo", line.Fields["route"]);
        Assert.Equal("UpstreamResponseTimeout", line.Fields["outcome"]);
        Assert.Equal("2s", line.Fields["limit"]);
        Assert.Equal("upstream.response_header_timeout", line.Fields["setting"]);
        Assert.Contains("raise upstream.response_header_timeout_by_route.echo", line.Fields["fix"], StringComparison.Ordinal);
        Assert.Contains("0s for no limit", line.Fields["fix"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ByRouteTimeout_FiresForItsRouteOnly_LogNamesThePerRouteSetting()
    {
        var clock = new DeadlineClock();
        await using var limited = await TestUpstream.StartAsync();
        await using var unlimited = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartAsync(
            $"echo: http://127.0.0.1:{limited.Port}\nother: http://127.0.0.1:{unlimited.Port}",
            "upstream:\n  allowed_ips: [127.0.0.0/8]\n  response_header_timeout_by_route:\n    echo: 3s\n" + QuietKeepAlive,
            time: clock);
        using var client = proxy.CreateClient();

        var limitedCall = await UploadThenWaitAsync(client, proxy, "echo", limited);
        var unlimitedCall = await UploadThenWaitAsync(client, proxy, "other", unlimited);
        await ReachDeadlineAsync(clock, TimeSpan.FromSeconds(3), limitedCall);

        using var limitedResponse = await limitedCall.WaitAsync(TimeSpan.FromSeconds(30));
        clock.Advance(TimeSpan.FromMinutes(10));
        unlimited.SlowRelease.TrySetResult();
        using var unlimitedResponse = await unlimitedCall.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.GatewayTimeout, limitedResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, unlimitedResponse.StatusCode);
        var line = await proxy.Logs.WaitForMessageAsync("upstream request failed");
        Assert.Equal("echo", line.Fields["route"]);
        Assert.Equal("3s", line.Fields["limit"]);
        Assert.Equal("upstream.response_header_timeout_by_route.echo", line.Fields["setting"]);
    }

    [Fact]
    public async Task ByRouteZero_LiftsTheScalarForThatRoute()
    {
        var clock = new FakeTimeProvider();
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartAsync(
            $"echo: http://127.0.0.1:{upstream.Port}",
            TwoSeconds + "  response_header_timeout_by_route:\n    echo: 0s\n" + QuietKeepAlive,
            time: clock);

        var call = await UploadThenWaitAsync(proxy.CreateClient(), proxy, "echo", upstream);
        clock.Advance(TimeSpan.FromMinutes(10));
        upstream.SlowRelease.TrySetResult();

        using var response = await call.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task UploadLongerThanTheTimeout_IsForwardedWhole()
    {
        var clock = new FakeTimeProvider();
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartAsync($"echo: http://127.0.0.1:{upstream.Port}", TwoSeconds, time: clock);
        var body = new Pipe();
        using var request = new HttpRequestMessage(HttpMethod.Post, proxy.UrlFor("echo", "/upload")) { Content = new FlushingContent(body.Reader) };

        var call = proxy.CreateClient().SendAsync(request);
        await body.Writer.WriteAsync(new byte[1000]);
        Assert.Equal(1000, await NextTotalAsync(upstream, 1000));
        clock.Advance(TimeSpan.FromSeconds(5)); // the upload is now older than the timeout
        await body.Writer.WriteAsync(new byte[500]);
        await body.Writer.CompleteAsync();

        using var response = await call.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"total\":1500", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpstreamSilentAfterTheBody_Gets504WhenTheTimeoutPasses()
    {
        var clock = new DeadlineClock();
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartAsync($"echo: http://127.0.0.1:{upstream.Port}", TwoSeconds, time: clock);

        var call = await UploadThenWaitAsync(proxy.CreateClient(), proxy, "echo", upstream);
        await ReachDeadlineAsync(clock, TimeSpan.FromSeconds(2), call);

        using var response = await call.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
    }

    /// <summary>
    /// POSTs 100 bytes to <c>/upload-then-wait</c> on <paramref name="route"/> and returns the call once
    /// <paramref name="upstream"/> has read the whole body, where the response-header deadline starts; the upstream
    /// then answers only when its SlowRelease is set.
    /// </summary>
    private static async Task<Task<HttpResponseMessage>> UploadThenWaitAsync(HttpClient client, TestProxy proxy, string route, TestUpstream upstream)
    {
        var call = client.PostAsync(proxy.UrlFor(route, "/upload-then-wait"), new ByteArrayContent(new byte[100]));
        await upstream.BodyRead.Task.WaitAsync(TimeSpan.FromSeconds(15));
        return call;
    }

    /// <summary>
    /// Once the proxy has armed a deadline of <paramref name="limit"/>, moves the clock to one second short of it (the
    /// call must still be waiting) and then onto it.
    /// </summary>
    private static async Task ReachDeadlineAsync(DeadlineClock clock, TimeSpan limit, Task call)
    {
        await clock.WhenArmedAsync(limit).WaitAsync(TimeSpan.FromSeconds(15));
        clock.Advance(limit - TimeSpan.FromSeconds(1));
        Assert.False(call.IsCompleted, "answered before the deadline");
        clock.Advance(TimeSpan.FromSeconds(1));
    }

    private static async Task<long> NextTotalAsync(TestUpstream upstream, long atLeast)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (true)
        {
            var total = await upstream.UploadProgress.Reader.ReadAsync(timeout.Token);
            if (total >= atLeast)
            {
                return total;
            }
        }
    }

    /// <summary>A request body the test writes piece by piece, each piece sent at once (StreamContent would buffer it).</summary>
    private sealed class FlushingContent(PipeReader source) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            while (true)
            {
                var result = await source.ReadAsync();
                foreach (var segment in result.Buffer)
                {
                    await stream.WriteAsync(segment);
                }

                await stream.FlushAsync();
                source.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
