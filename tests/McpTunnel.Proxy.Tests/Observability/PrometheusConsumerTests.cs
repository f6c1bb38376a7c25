using System.Diagnostics;
using System.Text;
using System.Text.Json;
using McpTunnel.Proxy.Tests.Infrastructure;

namespace McpTunnel.Proxy.Tests.Observability;

/// <summary>
/// The exposition as real consumers read it: Debian's <c>promtool check metrics</c> (lint) and a real Prometheus
/// server scraping the admin port. Both binaries are looked up on PATH (package <c>prometheus</c>, installed by
/// .ci/run); without them the tests are skipped with that reason.
/// </summary>
public sealed class PrometheusConsumerTests
{
    [RequiresToolFact("promtool")]
    public async Task Exposition_PassesPromtoolCheckMetrics()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream, AdminListenerTests.WithAdmin);
        var client = proxy.CreateClient();
        (await client.PostAsync(proxy.UrlFor("echo", "/echo/mcp"), new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t"}}""", Encoding.UTF8, "application/json"))).Dispose();
        var exposition = await AdminScrape.MetricsAfterRequestsAsync(proxy, 1);

        var psi = new ProcessStartInfo(ExternalTool.Find("promtool")!, ["check", "metrics"]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var promtool = Process.Start(psi)!;
        await promtool.StandardInput.WriteAsync(exposition);
        promtool.StandardInput.Close();
        var output = await promtool.StandardOutput.ReadToEndAsync() + await promtool.StandardError.ReadToEndAsync();
        await promtool.WaitForExitAsync();

        Assert.True(promtool.ExitCode == 0, $"promtool check metrics failed:\n{output}");
        Assert.Equal("", output.Trim());
    }

    [RequiresToolFact("prometheus")]
    public async Task RealPrometheus_ScrapingTheAdminPort_SeesTheSeries()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream, AdminListenerTests.WithAdmin);
        var client = proxy.CreateClient();
        (await client.PostAsync(proxy.UrlFor("echo", "/echo/mcp"), new StringContent("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}""", Encoding.UTF8, "application/json"))).Dispose();

        var admin = AdminScrape.AdminUri(proxy);
        var port = FreePort.OnLoopback();
        var config = Path.Combine(proxy.Pki.Directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: mcp-proxy
                static_configs:
                  - targets: ["127.0.0.1:{admin.Port}"]
            """);
        var psi = new ProcessStartInfo(ExternalTool.Find("prometheus")!, [$"--config.file={config}", $"--storage.tsdb.path={Path.Combine(proxy.Pki.Directory, "tsdb")}", $"--web.listen-address=127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var prometheus = Process.Start(psi)!;
        prometheus.BeginErrorReadLine();
        prometheus.BeginOutputReadLine();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var query = new Uri($"http://127.0.0.1:{port}/api/v1/query?query={Uri.EscapeDataString("mcptunnel_requests_total{route=\"echo\",mcp_method=\"initialize\"}")}");

            // A bounded wait on the condition "Prometheus has scraped the series" (scrapes run every second).
            var deadline = Stopwatch.StartNew();
            string? value = null;
            while (value is null && deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                try
                {
                    using var doc = JsonDocument.Parse(await http.GetStringAsync(query));
                    var result = doc.RootElement.GetProperty("data").GetProperty("result");
                    value = result.GetArrayLength() > 0 ? result[0].GetProperty("value")[1].GetString() : null;
                }
                catch (HttpRequestException)
                {
                    // not listening yet
                }

                if (value is null)
                {
                    await Task.Delay(250);
                }
            }

            Assert.Equal("1", value);
        }
        finally
        {
            prometheus.Kill();
            await prometheus.WaitForExitAsync();
        }
    }

}
