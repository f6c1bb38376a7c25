using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using McpTunnel.Proxy.Audit;
using McpTunnel.Proxy.Tests.Infrastructure;
using McpTunnel.Testing;
using McpTunnel.TunnelClient;

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
        var port = FreePort();
        var config = Path.Combine(pki.Directory, "config.yaml");
        await File.WriteAllTextAsync(config, $"""
            listen_addr: "127.0.0.1:{port}"
            tunnel_domain: {pki.TunnelDomain}
            tls:
              cert_file: {pki.CertFile}
              key_file: {pki.KeyFile}
            routes:
              echo: http://127.0.0.1:{upstream.Port}
            upstream:
              allowed_ips: [127.0.0.0/8]
            audit:
              file: {"{"} path: {audit}, max_size: 64KiB {"}"}
            """);

        // Run 1: traffic from four clients, killed after 400 answered requests while the clients keep sending.
        using (var proxy = StartProxy(config, out var listening))
        {
            await listening.WaitAsync(TimeSpan.FromSeconds(30));
            using var client = new HttpClient(new TunnelConnector(new Uri($"ws://127.0.0.1:{port}/"), new TunnelServerValidator(pki.TrustedCas)).CreateHttpHandler());
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
                        using var response = await client.PostAsync($"https://echo.{pki.TunnelDomain}/echo", content, stop.Token);
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

        var afterCrash = Files(directory.Path, audit);
        var crashed = AuditChainVerifier.Verify(afterCrash);
        Assert.True(crashed.Ok, crashed.Problem?.ToString());
        Assert.True(crashed.Records >= 2, $"only {crashed.Records} records survived"); // how many depends on how far the writer was behind

        // Run 2: starts a new file linked to the last whole record of the killed run's.
        using (var proxy = StartProxy(config, out var listening))
        {
            await listening.WaitAsync(TimeSpan.FromSeconds(30));
            proxy.Kill();
            await proxy.WaitForExitAsync();
        }

        var all = Files(directory.Path, audit);
        var verified = AuditChainVerifier.Verify(all);
        Assert.True(verified.Ok, verified.Problem?.ToString());
        Assert.Equal(all.Count, afterCrash.Count + 1);
        Assert.True(verified.Records > crashed.Records);
    }

    private static List<AuditFileBytes> Files(string directory, string current) =>
        [.. Directory.GetFiles(directory, "audit.jsonl.*").Where(f => f != current).Order(StringComparer.Ordinal).Append(current).Select(f => new AuditFileBytes(f, File.ReadAllBytes(f)))];

    private static Process StartProxy(string config, out Task listening)
    {
        var process = Process.Start(new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "mcp-proxy"), ["-config", config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("msg=listening", StringComparison.Ordinal) == true)
            {
                started.TrySetResult();
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        listening = started.Task;
        return process;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
