using McpTunnel.Cli.Top;

namespace McpTunnel.Cli.Tests.Top;

/// <summary>The exposition parser on text captured from a real proxy's <c>/metrics</c> (Fixtures/proxy-metrics.txt), and on broken text.</summary>
public sealed class ExpositionParserTests
{
    private static readonly string Captured = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Top", "Fixtures", "proxy-metrics.txt"));

    [Fact]
    public void CapturedText_ReadsCountersGaugesAndHistogramBucketsWithLabels_AndSkipsHelpAndType()
    {
        var samples = ExpositionParser.Parse(Captured);

        Assert.DoesNotContain(samples, s => s.Name.StartsWith('#'));
        Assert.Equal(Captured.Split('\n').Count(l => l.Length > 0 && !l.StartsWith('#')), samples.Count);
        var initialize = Assert.Single(samples, s => s.Name == "mcptunnel_requests_total" && s.Label("mcp_method") == "initialize");
        Assert.Equal(1, initialize.Value);
        Assert.Equal(["route", "method", "status_class", "mcp_method"], initialize.Labels.Keys);
        Assert.Equal("POST", initialize.Label("method"));
        var tool = Assert.Single(samples, s => s.Name == "mcptunnel_mcp_tool_calls_total");
        Assert.Equal(("echo", "get_weather", 2.0), (tool.Label("route"), tool.Label("tool"), tool.Value));
        Assert.Equal(7775698.4504308, Assert.Single(samples, s => s.Name == "mcptunnel_certificate_expiry_seconds").Value);
        Assert.Equal("0.1.0", Assert.Single(samples, s => s.Name == "mcptunnel_build_info").Label("version"));
        Assert.Single(samples, s => s.Name == "mcptunnel_request_duration_seconds_bucket" && s.Label("mcp_method") == "tools/call" && s.Label("le") == "+Inf");
        Assert.Equal(string.Empty, Assert.Single(samples, s => s.Name == "mcptunnel_tls_handshakes_total").Label("reason"));
    }

    [Fact]
    public void CapturedText_ComputedAsOneScrape_GivesTheRouteTotalQuantilesAndTopTool()
    {
        var snapshot = new MetricsSnapshot(ExpositionParser.Parse(Captured), DateTimeOffset.UnixEpoch, true, "ready");

        var view = TopCalculator.Compute(null, snapshot);

        var route = Assert.Single(view.Routes);
        Assert.Equal(("echo", 3.0, 0.0), (route.Route, route.Requests, route.PerSecond));
        // Two calls under 1 ms and an initialize in (50 ms, 100 ms]: the median falls in the lowest bucket.
        Assert.InRange(route.P50!.Value, 0, 0.001);
        Assert.InRange(route.P99!.Value, 0.05, 0.1);
        Assert.Equal(new ToolRow("echo", "get_weather", 2), Assert.Single(view.Tools));
        Assert.Equal(90, Math.Round(view.CertificateExpiryDays!.Value));
        Assert.Empty(view.UpstreamFailures);
        Assert.Empty(view.HandshakeFailures);
    }

    [Theory]
    [InlineData("mcptunnel_upstream_failures_total{route=\"echo\",kind=\"EgressDenied\"} 3 1700000000000", "mcptunnel_upstream_failures_total", 3)]
    [InlineData("x{a=\"quo\\\"te\\\\ and \\n newline\"} +Inf", "x", double.PositiveInfinity)]
    [InlineData("  spaced_name   -1.5e3  ", "spaced_name", -1500)]
    [InlineData("trailing_comma{a=\"1\",} 7", "trailing_comma", 7)]
    public void WellFormedLines_AreRead(string line, string name, double value)
    {
        var sample = Assert.Single(ExpositionParser.Parse(line));

        Assert.Equal((name, value), (sample.Name, sample.Value));
    }

    [Fact]
    public void EscapedLabelValues_AreUnescaped()
    {
        var sample = Assert.Single(ExpositionParser.Parse("x{a=\"quo\\\"te\\\\ and \\n newline\"} 1"));

        Assert.Equal("quo\"te\\ and \n newline", sample.Label("a"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{a=\"1\"} 2")]
    [InlineData("name{a=\"unterminated} 2")]
    [InlineData("name{a=1} 2")]
    [InlineData("name{a=\"1\"")]
    [InlineData("name not-a-number")]
    [InlineData("name")]
    [InlineData("name{a=\"x\\")]
    [InlineData("9starts_with_digit 1")]
    public void MalformedLines_AreDropped(string line)
    {
        Assert.Empty(ExpositionParser.Parse(line));
    }

    [Fact]
    public void AnyMutationOfTheCapturedText_NeverThrows_AndKeepsTheLinesItCanRead()
    {
        // A fuzz pass over real text: truncate, flip and splice bytes at many positions; the parser must answer.
        var random = new Random(4711);
        var alphabet = "{}\"\\=, \n#+-.eE0123456789abcINFNa_\t\r";
        for (var round = 0; round < 3000; round++)
        {
            var chars = Captured.ToCharArray();
            var edits = random.Next(1, 20);
            for (var i = 0; i < edits; i++)
            {
                chars[random.Next(chars.Length)] = alphabet[random.Next(alphabet.Length)];
            }

            var text = new string(chars, 0, random.Next(chars.Length + 1));
            var samples = ExpositionParser.Parse(text);
            var view = TopCalculator.Compute(null, new MetricsSnapshot(samples, DateTimeOffset.UnixEpoch, true, "ready"));
            _ = TopRenderer.Render(view, new Uri("http://127.0.0.1:9090/"), TimeSpan.FromSeconds(2));
            Assert.True(samples.Count <= text.Split('\n').Length);
        }
    }
}
