using System.Globalization;

namespace McpTunnel.Proxy.Tests.Infrastructure;

/// <summary>Reads a proxy's admin listener the way a scraper does: plain HTTP GET, text exposition parsed by line.</summary>
internal static class AdminScrape
{
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(10) };

    public static Uri AdminUri(TestProxy proxy) => proxy.Server.Observability.AdminUri ?? throw new InvalidOperationException("the proxy has no admin_addr");

    public static async Task<(int Status, string Body)> GetAsync(TestProxy proxy, string path)
    {
        using var response = await Client.GetAsync(new Uri(AdminUri(proxy), path));
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public static async Task<string> MetricsAsync(TestProxy proxy) => (await GetAsync(proxy, "/metrics")).Body;

    /// <summary>
    /// Scrapes until <paramref name="condition"/> holds, as Prometheus would see it converge: for what the framework
    /// records after the last log line (Kestrel ends a connection's measurement once its middleware has returned).
    /// </summary>
    public static async Task<string> WaitForMetricsAsync(TestProxy proxy, Func<string, bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (true)
        {
            var metrics = await MetricsAsync(proxy);
            if (condition(metrics))
            {
                return metrics;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), deadline.Token);
        }
    }

    /// <summary>
    /// Scrapes once <paramref name="count"/> requests have logged "request finished": the metrics are recorded just
    /// before that line, while the client may already hold the whole response.
    /// </summary>
    public static async Task<string> MetricsAfterRequestsAsync(TestProxy proxy, int count)
    {
        await proxy.Logs.WaitForAsync(_ => proxy.Logs.Entries.Count(e => e.Message == "request finished") >= count);
        return await MetricsAsync(proxy);
    }

    /// <summary>The value of the sample whose name and labels start with <paramref name="series"/> (e.g. <c>name{a="b"</c>); null if absent.</summary>
    public static double? Value(string exposition, string series)
    {
        foreach (var line in exposition.Split('\n'))
        {
            if (line.StartsWith(series, StringComparison.Ordinal) && !line.StartsWith('#'))
            {
                var space = line.LastIndexOf(' ');
                return double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return null;
    }
}
