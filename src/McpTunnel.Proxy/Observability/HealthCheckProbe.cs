using McpTunnel.Proxy.Configuration;

namespace McpTunnel.Proxy.Observability;

/// <summary>
/// <c>mcp-proxy -healthcheck</c>: the image has no shell or curl, so its HEALTHCHECK runs the executable itself, which
/// reads the same config, asks <c>/readyz</c> on <c>admin_addr</c> (an all-interfaces address is asked on loopback)
/// and exits 0 when ready, 1 otherwise, printing the reason.
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
        using var client = new HttpClient { Timeout = Timeout };
        try
        {
            using var response = await client.GetAsync(url);
            var body = (await response.Content.ReadAsStringAsync()).Trim();
            if (response.IsSuccessStatusCode)
            {
                await stdout.WriteLineAsync($"{url}: {body}");
                return 0;
            }

            await stderr.WriteLineAsync($"mcp-proxy: {url}: {(int)response.StatusCode} {body}");
            return 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            await stderr.WriteLineAsync($"mcp-proxy: {url}: {ex.GetBaseException().Message}");
            return 1;
        }
    }

    public static Uri ReadyUrl(ListenAddress admin)
    {
        var host = admin.Host switch
        {
            "" or "0.0.0.0" => "127.0.0.1",
            "::" => "[::1]",
            var h when h.Contains(':') => $"[{h}]",
            var h => h,
        };
        return new Uri($"http://{host}:{admin.Port}/readyz");
    }
}
