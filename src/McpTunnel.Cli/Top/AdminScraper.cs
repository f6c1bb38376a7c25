using System.Net.Http;

namespace McpTunnel.Cli.Top;

/// <summary>
/// Reads a proxy's admin listener (<c>admin_addr</c>): <c>/readyz</c> and <c>/metrics</c> in one scrape. Shared
/// by <c>top</c> and <c>doctor --admin</c>. A connection failure becomes <see cref="AdminUnreachableException"/>
/// with the one line an operator needs (which address, and how to make it answer).
/// </summary>
internal sealed class AdminScraper(Uri admin, TimeSpan timeout, TimeProvider time) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = timeout }) { Timeout = timeout };

    public Uri Admin { get; } = admin;

    public async Task<MetricsSnapshot> ScrapeAsync(CancellationToken cancellationToken)
    {
        var (readyStatus, readyBody) = await GetAsync("/readyz", cancellationToken);
        var (metricsStatus, metrics) = await GetAsync("/metrics", cancellationToken);
        if (metricsStatus != 200)
        {
            throw new AdminUnreachableException($"{new Uri(Admin, "/metrics")} answered {metricsStatus}, not metrics: is {Admin.GetLeftPart(UriPartial.Authority)} the proxy's admin_addr?");
        }

        var readiness = readyBody.Trim();
        return new MetricsSnapshot(ExpositionParser.Parse(metrics), time.GetUtcNow(), readyStatus == 200, readiness.Length == 0 ? $"HTTP {readyStatus}" : readiness);
    }

    private async Task<(int Status, string Body)> GetAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri(Admin, path), cancellationToken);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new AdminUnreachableException(Unreachable(Admin, ex is TaskCanceledException ? "timed out" : ex.Message));
        }
    }

    public static string Unreachable(Uri admin, string why) =>
        $"cannot reach the proxy's admin listener at {admin.GetLeftPart(UriPartial.Authority)} ({why}): set admin_addr in the proxy config (e.g. admin_addr: \"127.0.0.1:9090\") and restart it, pass its address with --admin http://HOST:PORT, and from Compose run this inside the proxy's network namespace (docker compose exec mcp-proxy ..., or docker run --network container:<proxy>)";

    public void Dispose() => _http.Dispose();
}

/// <summary>The admin listener did not answer; the message is the whole one-line explanation.</summary>
internal sealed class AdminUnreachableException(string message) : Exception(message);
