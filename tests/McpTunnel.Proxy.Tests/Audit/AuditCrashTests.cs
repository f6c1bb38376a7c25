using System.Text;
using McpTunnel.Proxy.Audit;
using McpTunnel.Proxy.Tests.Infrastructure;
using McpTunnel.Testing;

namespace McpTunnel.Proxy.Tests.Audit;

/// <summary>
/// The real <c>mcp-proxy</c> process killed with SIGKILL in the middle of heavy traffic: what it wrote verifies (a
/// half-written last line is a torn tail, not tampering), and the next run's file continues the chain.
/// </summary>
public sealed class AuditCrashTests
{
    [Fact]
    public async Task SigkillDuringHeavyTraffic_FilesVerify_AndTheNextRunContinuesTheChain()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        await using var upstream = await TestUpstream.StartAsync();
        using var pki = new TestPki();
        using var directory = new TempDirectory();
        var audit = directory.File("audit.jsonl");
        await using var proxy = await TestProxyProcess.StartAsync(pki, $"echo: http://127.0.0.1:{upstream.Port}", $$"""
            audit:
              file: { path: {{audit}}, max_size: 64KiB }
            """);

        // Run 1: traffic from four clients, killed after 400 answered requests while the clients keep sending.
        using (var client = proxy.CreateClient())
        {
            var answered = 0;
            using var stop = new CancellationTokenSource();
            var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var load = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        using var content = new StringContent($$$"""{"jsonrpc":"2.0","id":{{{worker}}},"method":"tools/call","params":{"name":"search"}}""", Encoding.UTF8, "application/json");
                        using var response = await client.PostAsync(proxy.UrlFor("echo", "/echo"), content, stop.Token);
                        if (Interlocked.Increment(ref answered) >= 400)
                        {
                            enough.TrySetResult();
                        }
                    }
                    catch (Exception) when (stop.IsCancellationRequested || proxy.HasExited)
                    {
                        return;
                    }
                    catch (HttpRequestException)
                    {
                        return; // the proxy is gone
                    }
                }
            })).ToArray();

            await enough.Task.WaitAsync(TimeSpan.FromSeconds(60));
            proxy.Kill(); // SIGKILL: no drain, no flush
            await proxy.WaitForExitAsync();
            await stop.CancelAsync();
            await Task.WhenAll(load);
        }

        var afterCrash = AuditConfig.Bytes(AuditConfig.Files(audit));
        var crashed = AuditChainVerifier.Verify(afterCrash);
        Assert.True(crashed.Ok, crashed.Problem?.ToString());
        Assert.True(crashed.Records >= 2, $"only {crashed.Records} records survived"); // how many depends on how far the writer was behind

        // Run 2: starts a new file linked to the last whole record of the killed run's.
        await using (var again = await proxy.StartAgainAsync())
        {
            again.Kill();
            await again.WaitForExitAsync();
        }

        var all = AuditConfig.Bytes(AuditConfig.Files(audit));
        var verified = AuditChainVerifier.Verify(all);
        Assert.True(verified.Ok, verified.Problem?.ToString());
        Assert.Equal(all.Count, afterCrash.Count + 1);
        Assert.True(verified.Records > crashed.Records);
    }
}
