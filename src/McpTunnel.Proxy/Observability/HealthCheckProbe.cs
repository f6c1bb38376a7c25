using McpTunnel.Common.Net;
using McpTunnel.Common;
using McpTunnel.Proxy.Configuration;

namespace McpTunnel.Proxy.Observability;

/// <summary>
/// <c>mcp-proxy -healthcheck</c>: the image has no shell or curl, so its HEALTHCHECK runs the executable itself, which
/// reads the same config, asks <c>/readyz</c> on <c>admin_addr</c> (an all-interfaces address is asked on loopback)
/// and exits 0 when ready, 1 otherwise, printing the reason. A transport failure (refused, reset) is asked once more
/// within the same 3 s; an answer, 503 included, is final.
/// </summary>
internal static class HealthCheckProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public static async Task<int> RunAsync(ProxyConfig config, string configPath, TextWriter stdout, TextWriter stderr)
    {
        if (config.AdminAddress is not { } admin)
        {
            await stderr.WriteLineAsync($"mcp-proxy: -healthcheck needs the admin listener, and {configPath} sets no admin_addr (add e.g. admin_addr: \"127.0.0.1:9090\")");
            return 1;
        }

        var url = ReadyUrl(admin);
        using var deadline = new CancellationTokenSource(Timeout);
        using var client = new HttpClient { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var response = await client.GetAsync(url, deadline.Token);
                var body = (await response.Content.ReadAsStringAsync(deadline.Token)).Trim();
                if (response.IsSuccessStatusCode)
                {
                    await stdout.WriteLineAsync($"{url}: {body}");
                    return 0;
                }

                await stderr.WriteLineAsync($"mcp-proxy: {url}: {(int)response.StatusCode} {body}");
                return 1;
            }
            catch (HttpRequestException) when (attempt == 1 && !deadline.IsCancellationRequested)
            {
                // A connection refused or reset once says little about the proxy (a full accept backlog, a port that
                // was being rebound): ask once more within the same deadline. A 503 is an answer and is never retried.
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                var reason = ex is OperationCanceledException ? $"no answer within {GoDuration.Format(Timeout)}" : ex.GetBaseException().Message;
                await stderr.WriteLineAsync($"mcp-proxy: {url}: {reason}");
                return 1;
            }
        }
    }

    public static Uri ReadyUrl(ListenAddress admin) => new($"http://{admin.LocalDialHost}:{admin.Port}/readyz");
}
