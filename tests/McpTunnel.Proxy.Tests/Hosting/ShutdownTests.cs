using System.Net;
using McpTunnel.Proxy.Tests.Infrastructure;

namespace McpTunnel.Proxy.Tests.Hosting;

/// <summary>
/// SIGTERM: stop accepting, let in-flight requests finish within shutdown_timeout, cut the rest, and say truthfully
/// how many were cut ("shutdown complete aborted=N", exit 1 when N &gt; 0).
/// </summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task InFlightRequest_CompletesDuringGracefulStop()
    {
        await using var upstream = await TestUpstream.StartAsync();
        var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        try
        {
            var client = proxy.CreateClient();
            var call = client.GetAsync(proxy.UrlFor("echo", "/slow"));
            await upstream.SlowStarted.Task.WaitAsync(TimeSpan.FromSeconds(15));

            var stopping = proxy.Server.StopAsync();
            await proxy.Logs.WaitForMessageAsync("shutting down");
            Assert.False(stopping.IsCompleted);
            upstream.SlowRelease.SetResult();

            using var response = await call;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("slow done", await response.Content.ReadAsStringAsync());
            Assert.Equal(0, await stopping);
            Assert.Equal("0", (await proxy.Logs.WaitForMessageAsync("shutdown complete")).Fields["aborted"]);
        }
        finally
        {
            await proxy.Server.DisposeAsync();
            proxy.Pki.Dispose();
        }
    }

    [Fact]
    public async Task WhileDraining_ReadyzAnswers503Draining_HealthzStays200_AndTheInFlightRequestCompletes()
    {
        await using var upstream = await TestUpstream.StartAsync();
        var proxy = await TestProxy.StartForUpstreamAsync(upstream, Observability.AdminListenerTests.WithAdmin);
        try
        {
            Assert.Equal((200, "ready\n"), await AdminScrape.GetAsync(proxy, "/readyz"));
            var call = proxy.CreateClient().GetAsync(proxy.UrlFor("echo", "/slow"));
            await upstream.SlowStarted.Task.WaitAsync(TimeSpan.FromSeconds(15));

            var stopping = proxy.Server.StopAsync();
            await proxy.Logs.WaitForMessageAsync("shutting down");

            // A load balancer must stop sending new tunnels here, while a liveness probe must not restart the pod.
            Assert.Equal((503, "not ready: draining: the proxy is shutting down\n"), await AdminScrape.GetAsync(proxy, "/readyz"));
            Assert.Equal((200, "ok\n"), await AdminScrape.GetAsync(proxy, "/healthz"));
            Assert.False(stopping.IsCompleted);

            upstream.SlowRelease.SetResult();
            using var response = await call;
            Assert.Equal("slow done", await response.Content.ReadAsStringAsync());
            Assert.Equal(0, await stopping);
        }
        finally
        {
            await proxy.Server.DisposeAsync();
            proxy.Pki.Dispose();
        }
    }

    [Fact]
    public async Task StreamStillOpenAtShutdownTimeout_IsCutAndCounted()
    {
        await using var upstream = await TestUpstream.StartAsync();
        var proxy = await TestProxy.StartAsync($"echo: http://127.0.0.1:{upstream.Port}", shutdownTimeout: "1s");
        try
        {
            using var stream = await proxy.CreateClient().GetAsync(proxy.UrlFor("echo", "/sse"), HttpCompletionOption.ResponseHeadersRead);

            var cut = await proxy.Server.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(1, cut);
            Assert.Equal("1", (await proxy.Logs.WaitForMessageAsync("shutdown complete")).Fields["aborted"]);
        }
        finally
        {
            await proxy.Server.DisposeAsync();
            proxy.Pki.Dispose();
        }
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 0)]
    public async Task Sigterm_ExitCodeSaysWhetherRequestsWereCut(bool streamOpen, int expectedExit)
    {
        await using var upstream = await TestUpstream.StartAsync();
        using var pki = new TestPki();
        await using var proxy = await TestProxyProcess.StartAsync(pki, $"echo: http://127.0.0.1:{upstream.Port}", "shutdown_timeout: 1s\n");
        using var client = proxy.CreateClient();
        using var response = streamOpen
            ? await client.GetAsync(proxy.UrlFor("echo", "/sse"), HttpCompletionOption.ResponseHeadersRead)
            : await client.GetAsync(proxy.UrlFor("echo", "/echo"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        await proxy.SignalAsync("TERM");

        await proxy.WaitForExitAsync();
        Assert.Equal(expectedExit, proxy.ExitCode);
        Assert.Contains(proxy.Lines, l => l.Contains("msg=\"shutdown complete\"", StringComparison.Ordinal) && l.Contains($"aborted={expectedExit}", StringComparison.Ordinal));
    }
}
