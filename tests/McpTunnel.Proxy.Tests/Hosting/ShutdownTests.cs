using System.Net;
using McpTunnel.Proxy.Tests.Infrastructure;

namespace McpTunnel.Proxy.Tests.Hosting;

/// <summary>Spec item 65: stop accepting, let in-flight requests finish within shutdown_timeout.</summary>
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
        }
        finally
        {
            await proxy.Server.DisposeAsync();
            proxy.Pki.Dispose();
        }
    }
}
