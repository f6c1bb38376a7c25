using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using McpTunnel.Proxy.Hosting;
using McpTunnel.Proxy.Tests.Infrastructure;
using McpTunnel.TunnelClient;

namespace McpTunnel.Proxy.Tests.Hosting;

/// <summary>
/// The <c>mcp-proxy</c> process and SIGHUP: the signal reloads the file (a tunnel opened before it carries requests to
/// the new route), a bad file keeps the process and its routes, and the process then still drains on SIGTERM.
/// </summary>
public sealed class SighupReloadTests
{
    [Fact]
    public async Task Sighup_ReloadsTheFile_ABadFileKeepsTheProcessRunning()
    {
        await using var upstream = await TestUpstream.StartAsync();
        using var pki = new TestPki();
        var port = FreePort();
        var config = Path.Combine(pki.Directory, "config.yaml");
        string Yaml(string routes) => $"""
            listen_addr: "127.0.0.1:{port}"
            tunnel_domain: {pki.TunnelDomain}
            tls:
              cert_file: {pki.CertFile}
              key_file: {pki.KeyFile}
            routes:
              {routes}
            upstream:
              allowed_ips: [127.0.0.0/8]
            """;
        await File.WriteAllTextAsync(config, Yaml($"echo: http://127.0.0.1:{upstream.Port}"));
        using var process = Process.Start(new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "mcp-proxy"), ["-config", config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = new ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.Enqueue(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await WaitForLineAsync(output, "msg=listening");
            using var client = new HttpClient(new TunnelConnector(new Uri($"ws://127.0.0.1:{port}/"), new TunnelServerValidator(pki.TrustedCas)).CreateHttpHandler());
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"https://echo.{pki.TunnelDomain}/echo")).StatusCode);

            await File.WriteAllTextAsync(config, Yaml($"two: http://127.0.0.1:{upstream.Port}"));
            await SignalAsync(process, "HUP");
            await WaitForLineAsync(output, "msg=\"config reloaded\"");

            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"https://two.{pki.TunnelDomain}/echo")).StatusCode);
            Assert.Equal(HttpStatusCode.BadGateway, (await client.GetAsync($"https://echo.{pki.TunnelDomain}/echo")).StatusCode);

            await File.WriteAllTextAsync(config, Yaml("two: not-a-url"));
            await SignalAsync(process, "HUP");
            await WaitForLineAsync(output, "field=routes.two"); // the "config reload error" line, after the summary line
            Assert.Contains(output, l => l.Contains("msg=\"config reload failed, keeping the running configuration\"", StringComparison.Ordinal));
            Assert.Contains(output, l => l.Contains("msg=\"config reload error\"", StringComparison.Ordinal) && l.Contains("field=routes.two", StringComparison.Ordinal));
            Assert.False(process.HasExited);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"https://two.{pki.TunnelDomain}/echo")).StatusCode);

            await SignalAsync(process, "TERM");
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    [Fact]
    public void WatchConfigFlag_IsParsedAndDocumented()
    {
        Assert.True(ProxyCommandLine.TryParse(["-watch-config", "-config", "/c.yaml"], out var commandLine, out _));
        Assert.True(commandLine.WatchConfig);
        Assert.True(ProxyCommandLine.TryParse(["-config", "/c.yaml"], out var plain, out _));
        Assert.False(plain.WatchConfig);
        Assert.Contains("-watch-config", ProxyCommandLine.Usage, StringComparison.Ordinal);
        Assert.Contains("SIGHUP reloads the config", ProxyCommandLine.Usage, StringComparison.Ordinal);
    }

    private static async Task SignalAsync(Process process, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", process.Id.ToString(CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
    }

    private static async Task WaitForLineAsync(ConcurrentQueue<string> output, string fragment)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!output.Any(l => l.Contains(fragment, StringComparison.Ordinal)))
        {
            await Task.Delay(20, deadline.Token);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
