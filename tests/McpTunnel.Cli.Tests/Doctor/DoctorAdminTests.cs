using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using McpTunnel.Cli.Tests.Infrastructure;
using McpTunnel.Pki.Issuing;
using McpTunnel.TunnelClient;

namespace McpTunnel.Cli.Tests.Doctor;

/// <summary>
/// <c>mcptunnel doctor --admin</c> against a real proxy with <c>admin_addr</c>: readiness, and failure counters that
/// name the troubleshooting row (a client trusting another CA → register the CA; an upstream outside allowed_ips).
/// </summary>
public sealed class DoctorAdminTests : StackWithUpstreamTests
{
    [Fact]
    public async Task HandshakesFailingWithUnknownCa_WarnWithTheRegisterTheCaRow_InTextAndJson()
    {
        Stack.WriteConfig(EchoRoute, AdminOnAnyPort);
        await Stack.StartProxyAsync();
        await FailOneHandshakeWithAnotherCaAsync();

        var (exit, output, error) = await CliRunner.RunAsync(Doctor("--admin", Stack.AdminUri!.ToString()));
        using var run = await CliJsonRun.RunAsync([.. Doctor("--admin", Stack.AdminUri!.ToString()), "--json"]);

        Assert.True(exit == 0, output + error);
        Assert.Contains("[admin] the proxy's readiness and failure counters (admin_addr)", output, StringComparison.Ordinal);
        Assert.Matches(@"readiness\s+ready", output);
        Assert.Matches(@"\d+ inner TLS handshake\(s\) failed since the proxy started: unknown certificate authority", output);
        Assert.Contains("why: troubleshooting \"unknown certificate authority\":", output, StringComparison.Ordinal);
        Assert.Contains("fix: Register (re-upload) data/ca.crt in the Console", output, StringComparison.Ordinal);

        run.AssertHeader("doctor", 0);
        var root = run.Root;
        Assert.Equal(["config", "proxy", "inner-tls", "upstream", "admin"], root.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("layer").GetString()));
        var handshake = Assert.Single(root.GetProperty("checks").EnumerateArray(), c => c.GetProperty("check").GetString() == "handshake failures" && c.GetProperty("detail").GetString()!.EndsWith(": unknown certificate authority", StringComparison.Ordinal));
        Assert.Equal("admin", handshake.GetProperty("layer").GetString());
        Assert.Equal("warn", handshake.GetProperty("status").GetString());
        Assert.StartsWith("troubleshooting \"unknown certificate authority\":", handshake.GetProperty("why").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("Register (re-upload) data/ca.crt", handshake.GetProperty("fix").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EgressDenials_WarnWithTheAllowedIpsRow()
    {
        // No allowed_ips: the loopback upstream is outside the defaults, so the request through the tunnel is denied.
        Stack.WriteConfig(EchoRoute, "admin_addr: \"127.0.0.1:0\"\n");
        await Stack.StartProxyAsync();
        using (var traffic = new Top.TopTraffic(Stack))
        {
            await traffic.InitializeAsync();
        }

        var (_, output, error) = await CliRunner.RunAsync(Doctor("--admin", Stack.AdminUri!.ToString()));

        Assert.Contains("request(s) failed since the proxy started: EgressDenied (route echo)", output, StringComparison.Ordinal);
        Assert.Contains("why: troubleshooting \"upstream not allowed\":", output, StringComparison.Ordinal);
        Assert.Contains("upstream.allowed_ips", output, StringComparison.Ordinal);
        Assert.Equal(string.Empty, error);
    }

    [Fact]
    public async Task ProxyNotReady_FailsReadinessWithThe503Reason_AndExitsOne()
    {
        // A certificate that expired yesterday: the proxy starts, and /readyz answers 503 naming it.
        Stack.WriteServer(Stack.Authority.IssueServerCertificate(new ServerCertificateRequest(TestStack.Domain) { NotBefore = DateTimeOffset.UtcNow.AddDays(-10), Validity = TimeSpan.FromDays(9) }));
        Stack.WriteConfig(EchoRoute, AdminOnAnyPort);
        await Stack.StartProxyAsync();

        using var run = await CliJsonRun.RunAsync([.. Doctor("--admin", Stack.AdminUri!.ToString()), "--json"]);

        run.AssertHeader("doctor", 1);
        var readiness = Assert.Single(run.Root.GetProperty("checks").EnumerateArray(), c => c.GetProperty("check").GetString() == "readiness");
        Assert.Equal("fail", readiness.GetProperty("status").GetString());
        Assert.StartsWith("/readyz: not ready: the certificate expired at ", readiness.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("troubleshooting \"bad certificate\":", readiness.GetProperty("why").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableAdminAddress_FailsTheAdminLayerNamingTheAddress()
    {
        Stack.WriteConfig(EchoRoute);
        await Stack.StartProxyAsync();
        var port = TestStack.FreePort();

        var (exit, output, _) = await CliRunner.RunAsync(Doctor("--admin", $"127.0.0.1:{port}"));

        Assert.Equal(1, exit);
        Assert.Contains($"cannot reach the proxy's admin listener at http://127.0.0.1:{port}", output, StringComparison.Ordinal);
        Assert.Contains("first broken layer: [admin]", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadAdminAddress_IsAUsageError()
    {
        var (exit, _, error) = await CliRunner.RunAsync("doctor", "--admin", "ws://127.0.0.1:9090");

        Assert.Equal(2, exit);
        Assert.Contains("doctor: --admin expects the proxy's admin address http://HOST:PORT", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigEditedAndNotReloaded_WarnsWithBothHashes_UntilTheProxyIsReloaded()
    {
        Stack.WriteConfig(EchoRoute, AdminOnAnyPort);
        await Stack.StartProxyAsync();
        var running = McpTunnel.Proxy.Configuration.ConfigHash.Of(await File.ReadAllBytesAsync(Stack.ConfigPath));

        var (_, same, _) = await CliRunner.RunAsync(Doctor("--admin", Stack.AdminUri!.ToString()));
        Assert.Contains($"the proxy runs {Stack.ConfigPath} as it is now (hash {running})", same, StringComparison.Ordinal);

        Stack.WriteConfig($"echo: http://127.0.0.1:{Upstream.Port}\ntwo: http://127.0.0.1:{Upstream.Port}", AdminOnAnyPort);
        var edited = McpTunnel.Proxy.Configuration.ConfigHash.Of(await File.ReadAllBytesAsync(Stack.ConfigPath));
        var (_, stale, _) = await CliRunner.RunAsync(Doctor("--admin", Stack.AdminUri!.ToString()));
        Assert.Contains($"the proxy runs config hash {running}, {Stack.ConfigPath} has hash {edited}", stale, StringComparison.Ordinal);
        Assert.Contains("why: troubleshooting \"config not reloaded\":", stale, StringComparison.Ordinal);
        Assert.Contains("docker compose kill -s HUP mcp-proxy", stale, StringComparison.Ordinal);

        Assert.True(Stack.Server.ReloadConfig("test")!.Applied);
        var (_, reloaded, _) = await CliRunner.RunAsync(Doctor("--admin", Stack.AdminUri!.ToString()));
        Assert.Contains($"as it is now (hash {edited})", reloaded, StringComparison.Ordinal);
    }


    /// <summary>
    /// A client trusting another CA, as when the CA registered on the tunnel is not the one that signed tls.crt:
    /// openssl s_client, through a loopback TCP-to-WebSocket bridge standing in for cloudflared. Unlike .NET's client
    /// (which judges the certificate after the handshake and closes silently), it sends the unknown-CA alert the
    /// proxy counts, as the edge does.
    /// </summary>
    private async Task FailOneHandshakeWithAnotherCaAsync()
    {
        using var otherCa = CertificateAuthority.Create();
        var otherCaFile = Path.Combine(Stack.Directory, "other-ca.crt");
        await File.WriteAllTextAsync(otherCaFile, otherCa.CertificatePem);
        var connector = new TunnelConnector(Stack.ProxyUri, new TunnelServerValidator([]));
        using var bridge = new TcpListener(IPAddress.Loopback, 0);
        bridge.Start();
        var pump = Task.Run(async () =>
        {
            using var tcp = await bridge.AcceptTcpClientAsync();
            await using var tunnel = await connector.OpenAsync(CancellationToken.None);
            var network = tcp.GetStream();
            var up = network.CopyToAsync(tunnel);
            var down = tunnel.CopyToAsync(network);
            await Task.WhenAny(up, down);
        });
        var start = new ProcessStartInfo("/usr/bin/openssl") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "s_client", "-connect", $"127.0.0.1:{((IPEndPoint)bridge.LocalEndpoint).Port}", "-servername", $"echo.{TestStack.Domain}", "-CAfile", otherCaFile, "-verify_return_error" })
        {
            start.ArgumentList.Add(arg);
        }

        using (var openssl = Process.Start(start)!)
        {
            openssl.StandardInput.Close();
            var stderr = openssl.StandardError.ReadToEndAsync();
            await openssl.StandardOutput.ReadToEndAsync();
            await openssl.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
            Assert.True(openssl.ExitCode != 0, await stderr);
        }

        await pump.WaitAsync(TimeSpan.FromSeconds(30));

        using var scraper = new McpTunnel.Cli.Top.AdminScraper(Stack.AdminUri!, TimeSpan.FromSeconds(10), TimeProvider.System);
        // Polls the real counter (no sleep): the proxy counts just after the client has seen the outcome.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        string seen = string.Empty;
        while (DateTime.UtcNow < deadline)
        {
            var snapshot = await scraper.ScrapeAsync(CancellationToken.None);
            seen = string.Join("\n", snapshot.Samples.Where(s => s.Name.StartsWith("mcptunnel_", StringComparison.Ordinal)).Select(s => $"{s.Name} {string.Join(',', s.Labels.Select(l => $"{l.Key}={l.Value}"))} {s.Value}"));
            if (snapshot.Sum("mcptunnel_tls_handshakes_total", s => s.Label("result") == "failed") > 0)
            {
                return;
            }

            await Task.Yield();
        }

        Assert.Fail($"the proxy did not count the failed handshake:\n{seen}");
    }
}
