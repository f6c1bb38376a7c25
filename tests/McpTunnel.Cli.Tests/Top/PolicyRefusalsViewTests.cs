using McpTunnel.Cli.Top;

namespace McpTunnel.Cli.Tests.Top;

public sealed class PolicyRefusalsViewTests
{
    private const string Scrape = """
        # TYPE mcptunnel_policy_refusals_total counter
        mcptunnel_policy_refusals_total{route="tickets",reason="denied"} 7
        mcptunnel_policy_refusals_total{route="tickets",reason="ratelimited"} 2
        mcptunnel_policy_refusals_total{route="wiki",reason="unreadable"} 0
        """;

    [Fact]
    public void Refusals_AreShownByRouteAndReason_MostFirst_ZeroesLeftOut()
    {
        var view = TopCalculator.Compute(null, new MetricsSnapshot(ExpositionParser.Parse(Scrape), DateTimeOffset.UnixEpoch, true, "ready"));

        Assert.Equal([new CountRow("tickets: denied", 7), new CountRow("tickets: ratelimited", 2)], view.PolicyRefusals);
        var screen = TopRenderer.Render(view, new Uri("http://127.0.0.1:9090"), TimeSpan.FromSeconds(2));
        var lines = screen.Split('\n');
        var at = Array.IndexOf(lines, "POLICY REFUSALS");
        Assert.True(at >= 0, screen);
        Assert.Matches(@"^tickets: denied\s+7$", lines[at + 1]);
        Assert.Matches(@"^tickets: ratelimited\s+2$", lines[at + 2]);
    }

    [Fact]
    public void NoPolicy_LeavesTheScreenWithoutThePolicySection()
    {
        var view = TopCalculator.Compute(null, new MetricsSnapshot(ExpositionParser.Parse("mcptunnel_tunnels_active 1"), DateTimeOffset.UnixEpoch, true, "ready"));

        Assert.DoesNotContain("POLICY", TopRenderer.Render(view, new Uri("http://127.0.0.1:9090"), TimeSpan.FromSeconds(2)), StringComparison.Ordinal);
    }
}
