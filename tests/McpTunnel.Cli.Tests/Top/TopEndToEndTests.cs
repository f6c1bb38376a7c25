using McpTunnel.Cli.Tests.Infrastructure;
using McpTunnel.Cli.Top;
using Microsoft.Extensions.Time.Testing;

namespace McpTunnel.Cli.Tests.Top;

/// <summary><c>mcptunnel top</c> against a real proxy with <c>admin_addr</c>, after real MCP requests through its tunnel.</summary>
public sealed class TopEndToEndTests : IAsyncLifetime
{
    private const string WithAdmin = "admin_addr: \"127.0.0.1:0\"\n" + TestStack.LoopbackAllowed;

    private readonly TestStack _stack = new();
    private McpUpstream _upstream = null!;

    public async Task InitializeAsync()
    {
        _upstream = await McpUpstream.StartAsync();
        _stack.WriteConfig($"echo: http://127.0.0.1:{_upstream.Port}", WithAdmin);
        await _stack.StartProxyAsync();
    }

    public async Task DisposeAsync()
    {
        await _stack.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task Once_AfterMcpRequests_ShowsTheRouteCountToolReadinessAndCertificate_AndExits0()
    {
        using (var traffic = new TopTraffic(_stack))
        {
            await traffic.InitializeAsync();
            await traffic.CallToolAsync("get_weather");
            await traffic.CallToolAsync("get_weather");
        }

        await WaitForRequestsAsync(3);
        var (exit, output, error) = await CliRunner.RunAsync("top", "--once", "--admin", _stack.AdminUri!.ToString(), "--interval", "100ms");

        // TOP_CAPTURE=DIR refreshes what the docs and the parser tests use: the README's screen and Fixtures/proxy-metrics.txt.
        if (Environment.GetEnvironmentVariable("TOP_CAPTURE") is { } capture)
        {
            using var http = new HttpClient();
            File.WriteAllText(Path.Combine(capture, "metrics.txt"), await http.GetStringAsync(new Uri(_stack.AdminUri!, "/metrics")));
            File.WriteAllText(Path.Combine(capture, "screen.txt"), output);
        }

        Assert.True(exit == 0, error);
        Assert.Contains($"mcptunnel top  {_stack.AdminUri!.GetLeftPart(UriPartial.Authority)}", output, StringComparison.Ordinal);
        Assert.Contains("readiness    ready", output, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^echo\s+3\s+0\.00\s+\S+\s+\S+$", output);
        Assert.Matches(@"(?m)^echo/get_weather\s+2$", output);
        Assert.Matches(@"(?m)^certificate  \d+\.\d days to expiry$", output);
        Assert.Matches(@"(?m)^tunnels      \d+ active, [1-9]\d* opened;", output);
        Assert.DoesNotContain("canary-secret-4711", output, StringComparison.Ordinal);
        Assert.DoesNotContain(TopCommand.Redraw, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Once_WithRequestsBetweenTheTwoScrapes_ShowsTheirRatePerSecond()
    {
        var time = new SignallingTimeProvider(DateTimeOffset.UtcNow);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var top = TopCommand.RunAsync(_stack.AdminUri!, TimeSpan.FromSeconds(2), live: false, output, error, time, CancellationToken.None);

        // The first scrape is done once top waits for the interval; the requests then fall between the two scrapes.
        await time.TimerCreated.Task.WaitAsync(TimeSpan.FromSeconds(30));
        using (var traffic = new TopTraffic(_stack))
        {
            await traffic.InitializeAsync();
            await traffic.CallToolAsync("get_weather");
            await traffic.CallToolAsync("get_forecast");
        }

        await WaitForRequestsAsync(3);
        time.Advance(TimeSpan.FromSeconds(2));
        var exit = await top.WaitAsync(TimeSpan.FromSeconds(30));

        if (Environment.GetEnvironmentVariable("TOP_CAPTURE") is { } capture)
        {
            File.WriteAllText(Path.Combine(capture, "screen-rates.txt"), output.ToString());
        }

        Assert.True(exit == 0, error.ToString());
        Assert.Contains("rates over 2.0s", output.ToString(), StringComparison.Ordinal);
        Assert.Matches(@"(?m)^echo\s+3\s+1\.50\s+[0-9.]+(µs|ms|s)\s+[0-9.]+(µs|ms|s)$", output.ToString());
        Assert.Matches(@"(?m)^echo/get_forecast\s+1$", output.ToString());
    }

    [Fact]
    public async Task UnreachableAdminAddress_ExitsOneWithALineNamingTheAddressAndTheFix()
    {
        var port = TestStack.FreePort();

        var (exit, output, error) = await CliRunner.RunAsync("top", "--once", "--admin", $"http://127.0.0.1:{port}", "--interval", "100ms");

        Assert.Equal(1, exit);
        Assert.Equal(string.Empty, output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"mcptunnel top: cannot reach the proxy's admin listener at http://127.0.0.1:{port} (", line, StringComparison.Ordinal);
        Assert.Contains("set admin_addr in the proxy config", line, StringComparison.Ordinal);
        Assert.Contains("network namespace", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--interval", "2", "--interval expects a duration such as 30s, 5m or 720h, got '2'")]
    [InlineData("--interval", "0s", "--interval must be positive")]
    [InlineData("--admin", "ftp://127.0.0.1:9090", "--admin expects the proxy's admin address http://HOST:PORT")]
    public async Task BadOption_IsAUsageError_Exit2(string option, string value, string message)
    {
        var (exit, _, error) = await CliRunner.RunAsync("top", "--once", option, value);

        Assert.Equal(2, exit);
        Assert.Contains($"mcptunnel top: {message}", error, StringComparison.Ordinal);
        Assert.Contains("Run 'mcptunnel top --help' for usage.", error, StringComparison.Ordinal);
    }

    private async Task WaitForRequestsAsync(int count)
    {
        // The proxy records a request when its response completes, just after the client has read it.
        using var scraper = new AdminScraper(_stack.AdminUri!, TimeSpan.FromSeconds(10), TimeProvider.System);
        // Polls the real counter (no sleep): the proxy counts just after the client has seen the outcome.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        string seen = string.Empty;
        while (DateTime.UtcNow < deadline)
        {
            var snapshot = await scraper.ScrapeAsync(CancellationToken.None);
            seen = string.Join("\n", snapshot.Samples.Where(s => s.Name.StartsWith("mcptunnel_", StringComparison.Ordinal)).Select(s => $"{s.Name} {string.Join(',', s.Labels.Select(l => $"{l.Key}={l.Value}"))} {s.Value}"));
            if (snapshot.Sum(TopCalculator.Requests) >= count)
            {
                return;
            }

            await Task.Yield();
        }

        Assert.Fail($"the proxy did not count {count} requests:\n{seen}");
    }

    /// <summary>Fake time that says when top starts waiting for its interval (after its first scrape).</summary>
    private sealed class SignallingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
    {
        public TaskCompletionSource TimerCreated { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            TimerCreated.TrySetResult();
            return timer;
        }
    }
}
