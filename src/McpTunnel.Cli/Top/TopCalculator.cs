using System.Globalization;

namespace McpTunnel.Cli.Top;

/// <summary>
/// Turns two scrapes into a <see cref="TopView"/>: counters become per-second rates over the time between them, and
/// latency quantiles come from the duration histogram's buckets. Quantiles use the buckets' growth between the
/// scrapes (the recent latency) when requests arrived in between, otherwise everything since the proxy started, so a
/// quiet route still shows its history. A counter that went down (the proxy restarted) counts from zero.
/// </summary>
internal static class TopCalculator
{
    public const string Requests = "mcptunnel_requests_total";
    public const string DurationBuckets = "mcptunnel_request_duration_seconds_bucket";
    public const string ToolCalls = "mcptunnel_mcp_tool_calls_total";
    public const string UpstreamFailures = "mcptunnel_upstream_failures_total";
    public const string Handshakes = "mcptunnel_tls_handshakes_total";
    public const string TunnelsActive = "mcptunnel_tunnels_active";
    public const string TunnelsOpened = "mcptunnel_tunnels_opened_total";
    public const string StreamingOpen = "mcptunnel_streaming_responses_open";
    public const string CertificateExpiry = "mcptunnel_certificate_expiry_seconds";
    public const string BuildInfo = "mcptunnel_build_info";
    public const string PolicyRefusals = "mcptunnel_policy_refusals_total";

    public const int TopToolCount = 10;

    public static TopView Compute(MetricsSnapshot? previous, MetricsSnapshot current)
    {
        var seconds = previous is null ? 0 : (current.TakenAt - previous.TakenAt).TotalSeconds;
        var requestsNow = current.SumBy(Requests, "route");
        var requestsBefore = previous?.SumBy(Requests, "route") ?? [];
        var routes = requestsNow.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r =>
        {
            var growth = Growth(requestsBefore.GetValueOrDefault(r.Key), r.Value);
            var buckets = Buckets(current, r.Key);
            if (previous is not null && growth > 0)
            {
                var before = Buckets(previous, r.Key);
                var recent = buckets.ToDictionary(b => b.Key, b => Growth(before.GetValueOrDefault(b.Key), b.Value));
                if (recent.GetValueOrDefault(double.PositiveInfinity) > 0)
                {
                    buckets = recent;
                }
            }

            return new RouteRow(
                r.Key,
                r.Value,
                seconds > 0 ? growth / seconds : 0,
                HistogramQuantile.Estimate(0.5, buckets),
                HistogramQuantile.Estimate(0.99, buckets));
        }).ToList();

        var tools = current.Series(ToolCalls)
            .GroupBy(s => (Route: s.Label("route"), Tool: s.Label("tool")))
            .Select(g => new ToolRow(g.Key.Route, g.Key.Tool, g.Sum(s => s.Value)))
            .Where(t => t.Calls > 0)
            .OrderByDescending(t => t.Calls).ThenBy(t => t.Tool, StringComparer.Ordinal)
            .Take(TopToolCount).ToList();

        var expiry = current.Value(CertificateExpiry);
        return new TopView
        {
            Ready = current.Ready,
            Readiness = current.Readiness,
            TunnelsActive = current.Value(TunnelsActive),
            TunnelsOpened = current.Sum(TunnelsOpened),
            StreamingOpen = current.Value(StreamingOpen),
            IntervalSeconds = seconds,
            Routes = routes,
            UpstreamFailures = Counts(current.SumBy(UpstreamFailures, "kind")),
            HandshakeFailures = Counts(current.SumBy(Handshakes, "reason", s => s.Label("result") == "failed")),
            Tools = tools,
            PolicyRefusals = Counts(current.Series(PolicyRefusals)
                .GroupBy(s => $"{s.Label("route")}: {s.Label("reason")}")
                .ToDictionary(g => g.Key, g => g.Sum(s => s.Value))),
            CertificateExpiryDays = expiry is { } e ? e / 86400 : null,
            Version = current.Series(BuildInfo).Select(s => s.Label("version")).FirstOrDefault(v => v.Length > 0),
        };
    }

    private static double Growth(double before, double now) => now >= before ? now - before : now;

    /// <summary>The route's duration buckets summed over MCP methods: upper bound → cumulative count.</summary>
    private static Dictionary<double, double> Buckets(MetricsSnapshot snapshot, string route)
    {
        var buckets = new Dictionary<double, double>();
        foreach (var sample in snapshot.Series(DurationBuckets).Where(s => s.Label("route") == route))
        {
            var le = sample.Label("le");
            var bound = le is "+Inf" or "Inf" ? double.PositiveInfinity
                : double.TryParse(le, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : double.NaN;
            if (!double.IsNaN(bound))
            {
                buckets[bound] = buckets.GetValueOrDefault(bound) + sample.Value;
            }
        }

        return buckets;
    }

    private static List<CountRow> Counts(Dictionary<string, double> totals) =>
        totals.Where(t => t.Value > 0).OrderByDescending(t => t.Value).ThenBy(t => t.Key, StringComparer.Ordinal)
            .Select(t => new CountRow(t.Key.Length == 0 ? "(none)" : t.Key, t.Value)).ToList();
}
