using System.Globalization;
using System.Text;

namespace McpTunnel.Cli.Bench;

/// <summary>The Markdown report: one table per part, ratios c/a (tunnel ÷ direct) and c/b (tunnel ÷ nginx), and the issue's targets.</summary>
internal static class BenchReport
{
    public static string Render(BenchResults r)
    {
        var o = r.Options;
        var md = new StringBuilder();
        Line(md, $"# mcptunnel bench: {r.Started:yyyy-MM-dd HH:mm} UTC");
        Line(md);
        Line(md, $"`{r.CommandLine}` — {Environment.ProcessorCount} cores, .NET {Environment.Version}, proxy {DescribeProxy(r)}, nginx {(r.NginxPresent ? "present" : "absent: target (b) skipped")}{(o.Smoke ? ", **smoke mode** (figures meaningless)" : "")}.");
        Line(md, $"Medians over {o.Runs} alternating round(s) of {o.Duration.TotalSeconds:0.#} s each (the targets table also gives each round's ratio). (a) direct = plain HTTP/1.1 to the upstream, (b) nginx TLS proxy, (c) tunnel = WebSocket + inner TLS + mcp-proxy.");
        Line(md);
        if (r.Startup is { Count: > 0 } starts)
        {
            Startup(md, starts);
        }

        foreach (var rr in r.RequestResponse)
        {
            var http = rr.Version.Major == 2 ? "HTTP/2" : "HTTP/1.1";
            Line(md, $"## Request/response, {http} inside TLS: closed loop, concurrency {o.Concurrency}");
            Line(md);
            Line(md, "| target | rps | p50 ms | p99 ms | p99.9 ms | errors | c/a | c/b | server CPU µs/req | client+upstream CPU µs/req |");
            Line(md, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            Rows(md, rr, openLoop: false);
            Line(md);
            ServerCpuComparison(md, rr, r.ProxyOutOfProcess);
            MetricsComparison(md, rr, r.ProxyOutOfProcess);
            Line(md);
            Line(md, $"## Request/response, {http}: open loop at {rr.OpenRate} rps offered (latency from intended send time)");
            Line(md);
            Line(md, "| target | achieved rps | p50 ms | p99 ms | p99.9 ms | errors | p99 c/a | p99 c/b |");
            Line(md, "|---|---:|---:|---:|---:|---:|---:|---:|");
            Rows(md, rr, openLoop: true);
            Line(md);
        }

        if (r.Sse is { } sse)
        {
            Line(md, $"## SSE: upstream write → client read, per event ({o.SseEvents} events, {o.SseIntervalMs} ms apart, per round)");
            Line(md);
            Line(md, "| target | events | p50 ms | p99 ms | p99.9 ms | max ms | p50 added ms | p99 added ms |");
            Line(md, "|---|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var (name, h) in sse)
            {
                var added = name.StartsWith("direct", StringComparison.Ordinal)
                    ? " | "
                    : $"{Millis(SseAddedMs(sse, name, 50))} | {Millis(SseAddedMs(sse, name, 99))}";
                Line(md, $"| {name} | {h.Count} | {h.PercentileMs(50):F3} | {h.PercentileMs(99):F3} | {h.PercentileMs(99.9):F3} | {h.Max.TotalMilliseconds:F3} | {added} |");
            }

            Line(md);
            Line(md, "Added = the target's percentile minus the direct path's, from the same rounds: what the hop costs beyond the host's own wake-up tail, which the direct path sees too.");
            Line(md);
        }

        if (r.Bulk is { } bulk)
        {
            Line(md, $"## Bulk: one {o.BulkMiB} MiB response");
            Line(md);
            Line(md, "| target | MiB/s (median) | runs |");
            Line(md, "|---|---:|---|");
            foreach (var (name, runs) in bulk)
            {
                Line(md, $"| {name} | {RequestResponseBench.Median(runs):F0} | {string.Join(", ", runs.Select(v => v.ToString("F0", CultureInfo.InvariantCulture)))} |");
            }

            Line(md);
        }

        if (r.Handshakes is { } handshakes)
        {
            Line(md, $"## New tunnels (WebSocket + inner TLS handshake + close), {o.Handshakes} per key type, {o.HandshakeConcurrency} at a time");
            Line(md);
            if (handshakes.Any(h => h.Peer == HandshakePeer.NginxTlsOnly))
            {
                Line(md, "nginx TLS only (reference): TCP connect + TLS handshake (the tunnel's client options: ALPN http/1.1, same CA validation) + close, against the bench nginx; per CPU-second of nginx master + workers.");
                Line(md);
            }

            Line(md, "| server | key | per second (wall) | per server CPU-second (\"per core\") | failed |");
            Line(md, "|---|---|---:|---:|---:|");
            foreach (var h in handshakes.Where(h => h.Mode == HandshakeMode.Full))
            {
                var server = h.Peer == HandshakePeer.NginxTlsOnly ? "nginx TLS only (reference)" : "tunnel (mcp-proxy)";
                Line(md, $"| {server} | {h.Algorithm} | {h.PerSecond:F0} | {h.PerCpuSecond:F0}{(h.CpuIncludesClient ? " (in process: includes the client)" : "")} | {h.Failed} |");
            }

            Line(md);
            if (handshakes.Any(h => h.Mode != HandshakeMode.Full))
            {
                WithRequest(md, o, handshakes);
            }
        }

        if (r.Idle is { Count: > 0 } passes)
        {
            var compared = passes.Select(p => p.Binary).Distinct().Count() > 1;
            foreach (var idle in passes)
            {
                var which = compared ? $" (round {idle.Round + 1}, mcp-proxy `{idle.Binary}`)" : "";
                Line(md, $"## Idle tunnels{which}: proxy RSS over its warmed-up baseline ({idle.BaselineRss / 1048576.0:F1} MiB), live requests at {idle.LiveRate} rps");
                Line(md);
                Line(md, $"Live p99 with no idle tunnels: {idle.BaselineP99Ms:F2} ms.{(idle.OutOfProcess ? "" : " (proxy in process: RSS includes the client; smoke only)")}");
                Line(md);
                Line(md, "Fresh = handshake only, never used; after one request = the same tunnels once each has carried one MCP POST.");
                Line(md);
                Line(md, "| idle tunnels | RSS delta MiB | KB per tunnel (fresh) | KB per tunnel (after one request) | live p99 ms | p99 ÷ idle-free | failed |");
                Line(md, "|---:|---:|---:|---:|---:|---:|---:|");
                foreach (var row in idle.Rows)
                {
                    Line(md, $"| {row.Tunnels} | {row.RssDelta / 1048576.0:F1} | {row.BytesPerTunnel / 1024:F1} | {row.BytesPerTunnelAfterUse / 1024:F1} | {row.LiveP99Ms:F2} | {row.LiveP99Ms / idle.BaselineP99Ms:F2} | {row.Failed} |");
                }

                Line(md);
                if (idle.Streams is { } streams)
                {
                    IdleStreams(md, streams, idle.OutOfProcess);
                }
            }

            if (compared)
            {
                IdleComparison(md, passes);
            }
        }

        Targets(md, r);
        return md.ToString();
    }

    /// <summary>The handshake rows with one MCP request per connection: full and resumed, tunnel beside nginx doing the same.</summary>
    private static void WithRequest(StringBuilder md, BenchOptions o, IReadOnlyList<HandshakeResult> handshakes)
    {
        Line(md, $"## New connection + one MCP request + close (ECDSA P-256), {o.Handshakes} per row, {o.HandshakeConcurrency} at a time");
        Line(md);
        Line(md, "Each connection: tunnel (WebSocket + inner TLS) or nginx (TCP + TLS), one `POST /mcp` answered by the upstream, close. Full = the client offers no session "
            + "(resumption off); resumed = the client presents the session ticket its previous connection received (TLS 1.3 PSK with (EC)DHE: no certificate, no signature). "
            + "Per CPU-second of the server (mcp-proxy; nginx master + workers).");
        Line(md);
        Line(md, "| connection | server | per second (wall) | per server CPU-second | tunnel ÷ nginx per CPU-second | failed |");
        Line(md, "|---|---|---:|---:|---:|---:|");
        foreach (var mode in new[] { HandshakeMode.FullWithRequest, HandshakeMode.ResumedWithRequest })
        {
            var nginx = handshakes.FirstOrDefault(h => h.Mode == mode && h.Peer == HandshakePeer.Nginx);
            foreach (var h in handshakes.Where(h => h.Mode == mode))
            {
                var ratio = h.Peer == HandshakePeer.Tunnel && nginx is not null && !h.CpuIncludesClient ? Ratio(h.PerCpuSecond, nginx.PerCpuSecond) : "";
                Line(md, $"| {HandshakeBench.Describe(mode)} | {(h.Peer == HandshakePeer.Tunnel ? "tunnel (mcp-proxy)" : "nginx")} | {h.PerSecond:F0} | {h.PerCpuSecond:F0}{(h.CpuIncludesClient ? " (in process: includes the client)" : "")} | {ratio} | {h.Failed} |");
            }
        }

        Line(md);
    }

    /// <summary>The start part: per binary, the median time to <c>listening</c> and RSS before the first tunnel, and every start.</summary>
    private static void Startup(StringBuilder md, IReadOnlyList<StartupResult> starts)
    {
        Line(md, "## Start: process start → `listening` log line, RSS before the first tunnel");
        Line(md);
        Line(md, "| mcp-proxy | starts | ms to listening (median) | RSS at listening MiB (median) | RSS 2 s later MiB (median) | ms to listening, each start |");
        Line(md, "|---|---:|---:|---:|---:|---|");
        foreach (var binary in starts.GroupBy(s => s.Binary))
        {
            var ms = binary.Select(s => s.ToListening.TotalMilliseconds).ToList();
            Line(md, $"| `{binary.Key}` | {ms.Count} | {RequestResponseBench.Median(ms):F0} | {RequestResponseBench.Median(binary.Select(s => s.RssAtListening / 1048576.0)):F1} | {RequestResponseBench.Median(binary.Select(s => s.RssSettled / 1048576.0)):F1} | {string.Join(", ", ms.Select(v => v.ToString("F0", CultureInfo.InvariantCulture)))} |");
        }

        Line(md);
    }

    /// <summary>The "idle SSE stream" rows: what one silent GET stream costs the proxy, and the same stream held directly.</summary>
    private static void IdleStreams(StringBuilder md, IdleStreamResult streams, bool outOfProcess)
    {
        Line(md, "Idle SSE streams: `GET /sse` that receives its response headers and one event, then nothing (an MCP client's GET stream). "
            + "Tunnel = one stream on each of that many idle tunnels above, after their one request; mcp-proxy's RSS over the same tunnels without streams. "
            + "Direct = the same streams on plain sockets to the upstream, which runs in this process: its live managed heap after a full collection "
            + "(the upstream's Kestrel plus a raw-socket client; this process's RSS does not grow again for memory an earlier part touched, and another process's heap cannot be read)."
            + (outOfProcess ? "" : " (proxy in process: RSS includes the client and the upstream; smoke only)"));
        Line(md);
        Line(md, "| idle SSE streams | path | RSS delta MiB | KB per idle stream (RSS) | KB per idle stream (managed heap) | failed |");
        Line(md, "|---:|---|---:|---:|---:|---:|");
        Line(md, $"| {streams.Streams} | tunnel (mcp-proxy) | {streams.RssDelta / 1048576.0:F1} | {Kb(streams.BytesPerStream)} | n/a | {streams.Failed} |");
        Line(md, $"| {streams.DirectStreams} | direct (upstream + client) | n/a | n/a | {Kb(streams.DirectHeapBytesPerStream)} | {streams.DirectFailed} |");
        Line(md);
    }

    /// <summary>With several <c>--proxy-binary</c>: every pass side by side, then the median per binary.</summary>
    private static void IdleComparison(StringBuilder md, IReadOnlyList<IdleResult> passes)
    {
        Line(md, "## Idle part, builds compared (same run, rounds alternate, order rotating per round)");
        Line(md);
        Line(md, "| round | mcp-proxy | idle tunnels | KB per tunnel (fresh) | KB per tunnel (after one request) | KB per idle SSE stream, tunnel (RSS) | KB per idle SSE stream, direct (managed heap) |");
        Line(md, "|---:|---|---:|---:|---:|---:|---:|");
        foreach (var idle in passes)
        {
            var largest = idle.Rows.Count > 0 ? idle.Rows[^1] : null;
            Line(md, $"| {idle.Round + 1} | `{idle.Binary}` | {largest?.Tunnels} | {Kb(largest?.BytesPerTunnel)} | {Kb(largest?.BytesPerTunnelAfterUse)} | {Kb(idle.Streams?.BytesPerStream)} | {Kb(idle.Streams?.DirectHeapBytesPerStream)} |");
        }

        Line(md);
        foreach (var group in passes.GroupBy(p => p.Binary))
        {
            var perStream = RequestResponseBench.Median(group.Select(p => p.Streams?.BytesPerStream ?? double.NaN));
            var perTunnel = RequestResponseBench.Median(group.Select(p => p.Rows.Count > 0 ? p.Rows[^1].BytesPerTunnelAfterUse : double.NaN));
            Line(md, $"Median over rounds, `{group.Key}`: {Kb(perStream)} KB of RSS per idle SSE stream, {Kb(perTunnel)} KB per idle tunnel after one request.");
        }

        Line(md);
    }

    private static string Kb(double? bytes) => bytes is { } b && !double.IsNaN(b) ? (b / 1024).ToString("F1", CultureInfo.InvariantCulture) : "n/a";

    private static string DescribeProxy(BenchResults r)
    {
        var variables = r.Options.ProxyEnvironment;
        if (!r.ProxyOutOfProcess)
        {
            return variables.Count > 0 ? "in process (--proxy-env ignored)" : "in process";
        }

        return variables.Count > 0 ? $"out of process (mcp-proxy, environment {BenchStack.DescribeEnvironment(variables)})" : "out of process (mcp-proxy)";
    }

    /// <summary>Under the closed-loop table: how the servers compare per request, which the client's share of the 2 cores does not distort.</summary>
    private static void ServerCpuComparison(StringBuilder md, RequestResponseResult rr, bool proxyOutOfProcess)
    {
        var tunnel = rr.Targets.First(t => t.Kind == "tunnel").Name;
        var nginx = rr.Targets.FirstOrDefault(t => t.Kind == "nginx")?.Name;
        if (!proxyOutOfProcess)
        {
            Line(md, "Server CPU per request, tunnel ÷ nginx: n/a (proxy in process: its CPU is inside the tunnel's client+upstream figure).");
            return;
        }

        if (nginx is null)
        {
            Line(md, "Server CPU per request, tunnel ÷ nginx: n/a (nginx absent).");
            return;
        }

        var tunnelCpu = rr.MedianServerCpuPerRequest(tunnel);
        var nginxCpu = rr.MedianServerCpuPerRequest(nginx);
        Line(md, $"Server CPU per request, tunnel ÷ nginx: {Ratio(tunnelCpu, nginxCpu)} ({RequestResponseBench.Micros(tunnelCpu)} µs mcp-proxy vs {RequestResponseBench.Micros(nginxCpu)} µs nginx master + workers; medians over rounds).");
    }

    /// <summary>With <c>--metrics-ab</c>: what the admin listener's metrics and MCP-aware telemetry cost, tunnel against tunnel.</summary>
    private static void MetricsComparison(StringBuilder md, RequestResponseResult rr, bool proxyOutOfProcess)
    {
        if (rr.Targets.FirstOrDefault(t => t.Kind == BenchStack.MetricsTargetKind)?.Name is not { } on)
        {
            return;
        }

        var off = rr.Targets.First(t => t.Kind == "tunnel").Name;
        var throughput = $"Metrics and MCP awareness on (admin_addr set) ÷ off: throughput {Ratio(rr.MedianRps(on), rr.MedianRps(off))}";
        if (!proxyOutOfProcess)
        {
            Line(md, throughput + "; proxy CPU per request n/a (proxy in process).");
            return;
        }

        var onCpu = rr.MedianServerCpuPerRequest(on);
        var offCpu = rr.MedianServerCpuPerRequest(off);
        var delta = RequestResponseBench.Micros(onCpu - offCpu);
        Line(md, $"{throughput}; proxy CPU per request {RequestResponseBench.Micros(onCpu)} vs {RequestResponseBench.Micros(offCpu)} µs ({(onCpu >= offCpu ? "+" : "")}{delta} µs; medians over rounds).");

        // On a shared host a whole round runs slower or faster, and the client+upstream CPU per request (the same work
        // for both targets) moves with the proxy's. Scaling each round's on-figure by the two targets' client+upstream
        // ratio takes that out; pairing by round keeps the comparison inside one round.
        var normalised = RequestResponseBench.Median(rr.Closed[on].Zip(rr.Closed[off], (a, b) =>
            a.ServerCpuMicrosPerRequest * (b.ClientCpuMicrosPerRequest / a.ClientCpuMicrosPerRequest) - b.ServerCpuMicrosPerRequest));
        var pairedThroughput = RequestResponseBench.Median(rr.RoundRatios(on, off, r => r.RequestsPerSecond));
        Line(md, $"Paired by round: throughput on ÷ off {pairedThroughput.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)}×; "
            + $"proxy CPU per request {(normalised >= 0 ? "+" : "")}{RequestResponseBench.Micros(normalised)} µs host-normalised "
            + "(each round's on-figure scaled by off ÷ on client+upstream CPU per request, which is identical work; median over rounds).");
    }

    private static void Rows(StringBuilder md, RequestResponseResult rr, bool openLoop)
    {
        var direct = rr.Targets.First(t => t.Kind == "direct").Name;
        var nginx = rr.Targets.FirstOrDefault(t => t.Kind == "nginx")?.Name;
        foreach (var target in rr.Targets)
        {
            var rps = rr.MedianRps(target.Name, openLoop);
            var p99 = rr.MedianPercentile(target.Name, 99, openLoop);
            var errors = (openLoop ? rr.Open : rr.Closed)[target.Name].Sum(x => x.Errors);
            string ca = "", cb = "";
            if (target.Kind == "tunnel")
            {
                ca = openLoop ? Ratio(p99, rr.MedianPercentile(direct, 99, true)) : Ratio(rps, rr.MedianRps(direct));
                cb = nginx is null ? "n/a" : openLoop ? Ratio(p99, rr.MedianPercentile(nginx, 99, true)) : Ratio(rps, rr.MedianRps(nginx));
            }

            var cpu = openLoop ? "" : $" {RequestResponseBench.Micros(rr.MedianServerCpuPerRequest(target.Name))} | {RequestResponseBench.Micros(rr.MedianClientCpuPerRequest(target.Name))} |";
            Line(md, $"| {target.Name} | {rps:F0} | {rr.MedianPercentile(target.Name, 50, openLoop):F2} | {p99:F2} | {rr.MedianPercentile(target.Name, 99.9, openLoop):F2} | {errors} | {ca} | {cb} |{cpu}");
        }
    }

    /// <summary>
    /// The latency an SSE target adds over the direct path at one percentile: the difference of the two percentiles
    /// measured in the same rounds (events of different streams cannot be paired one by one). Null without a direct run.
    /// </summary>
    internal static double? SseAddedMs(IReadOnlyDictionary<string, LatencyHistogram> sse, string name, double percentile) =>
        sse.FirstOrDefault(s => s.Key.StartsWith("direct", StringComparison.Ordinal)).Value is { } direct
            ? sse[name].PercentileMs(percentile) - direct.PercentileMs(percentile)
            : null;

    private static string Millis(double? value) => value is { } v ? v.ToString("F3", CultureInfo.InvariantCulture) : "n/a";

    private static void Targets(StringBuilder md, BenchResults r)
    {
        Line(md, "## Targets (issue 7)");
        Line(md);
        Line(md, "| target | measured | met |");
        Line(md, "|---|---|---|");
        foreach (var rr in r.RequestResponse)
        {
            var http = rr.Version.Major == 2 ? "h2" : "h1.1";
            var nginx = rr.Targets.FirstOrDefault(t => t.Kind == "nginx")?.Name;
            var tunnel = rr.Targets.First(t => t.Kind == "tunnel").Name;
            if (nginx is null)
            {
                Line(md, $"| throughput ≥ 1.0× nginx ({http}) | nginx absent | n/a |");
                continue;
            }

            var throughput = rr.MedianRps(tunnel) / rr.MedianRps(nginx);
            var throughputRounds = PerRound(rr.RoundRatios(tunnel, nginx, x => x.RequestsPerSecond));
            Line(md, $"| throughput ≥ 1.0× nginx ({http}, c={r.Options.Concurrency}) | {throughput:F2}×{throughputRounds} | {Met(throughput >= 1.0)} |");
            var p99 = rr.MedianPercentile(tunnel, 99, true) / rr.MedianPercentile(nginx, 99, true);
            var p99Rounds = PerRound(rr.RoundRatios(tunnel, nginx, x => x.Histogram.PercentileMs(99), openLoop: true));
            Line(md, $"| p99 ≤ 1.5× nginx at half nginx's max ({http}, {rr.OpenRate} rps) | {p99:F2}×{p99Rounds} | {Met(p99 <= 1.5)} |");
        }

        if (r.Sse is { } sse)
        {
            foreach (var (name, h) in sse.Where(s => s.Key.StartsWith("tunnel", StringComparison.Ordinal)))
            {
                // The issue asks for the latency the tunnel adds; the absolute figure stays beside it because on a
                // quiet host both are small and on a noisy one the difference is what the proxy is answerable for.
                var absolute = h.PercentileMs(99);
                if (SseAddedMs(sse, name, 99) is { } added)
                {
                    Line(md, $"| SSE added latency per event p99 ≤ 1 ms ({name}, p99 − direct p99) | {added:F3} ms (tunnel {absolute:F3}, direct {absolute - added:F3}) | {Met(added <= 1.0)} |");
                }

                Line(md, $"| SSE per-event latency p99 ≤ 1 ms, absolute ({name}) | {absolute:F3} ms | {Met(absolute <= 1.0)} |");
            }
        }

        if (r.Handshakes?.FirstOrDefault(h => h.Peer == HandshakePeer.Tunnel && h.Algorithm == Pki.Issuing.KeyAlgorithm.EcdsaP256) is { } ecdsa)
        {
            var reference = r.Handshakes.FirstOrDefault(h => h.Peer == HandshakePeer.NginxTlsOnly) is { } nginx
                ? $"; nginx TLS-only reference {nginx.PerCpuSecond:F0} per CPU-second"
                : "";
            Line(md, $"| ≥ 1,500 new tunnels/s per core, ECDSA P-256 | {ecdsa.PerCpuSecond:F0} per proxy CPU-second ({ecdsa.PerSecond:F0}/s wall, client on the same cores){reference} | {Met(ecdsa.PerCpuSecond >= 1500)} |");
            if (r.Handshakes.FirstOrDefault(h => h.Peer == HandshakePeer.NginxTlsOnly) is { } tlsOnly && !ecdsa.CpuIncludesClient)
            {
                var ratio = ecdsa.PerCpuSecond / tlsOnly.PerCpuSecond;
                Line(md, $"| new tunnels per CPU-second ≥ 1.0× nginx's TLS-only handshakes, ECDSA P-256 | {ratio:F2}× ({ecdsa.PerCpuSecond:F0} vs {tlsOnly.PerCpuSecond:F0}) | {Met(ratio >= 1.0)} |");
            }
        }

        if (r.Startup is { Count: > 0 } startups)
        {
            var first = startups[0].Binary;
            var settled = RequestResponseBench.Median(startups.Where(s => s.Binary == first).Select(s => s.RssSettled / 1048576.0));
            Line(md, $"| proxy RSS before the first tunnel ≤ 40 MiB (`{Path.GetFileName(first)}`, 2 s after listening) | {settled:F1} MiB | {Met(settled <= 40)} |");
        }

        // With builds compared, the targets judge the first --proxy-binary, which every other part ran too.
        if (r.Idle is [{ Rows.Count: > 0 } idle, ..])
        {
            var worst = idle.Rows.Max(x => x.BytesPerTunnel) / 1024;
            var worstUsed = idle.Rows.Max(x => x.BytesPerTunnelAfterUse) / 1024;
            var largest = idle.Rows[^1];
            var counts = string.Join("/", idle.Rows.Select(x => x.Tunnels));
            Line(md, $"| ≤ 40 KB per idle tunnel (fresh: handshake only) | {worst:F1} KB (worst of {counts}) | {Met(worst <= 40)} |");
            Line(md, $"| ≤ 40 KB per idle tunnel (idle after one request) | {worstUsed:F1} KB (worst of {counts}) | {Met(worstUsed <= 40)} |");
            var ratio = largest.LiveP99Ms / idle.BaselineP99Ms;
            Line(md, $"| {largest.Tunnels} idle tunnels, live p99 ≤ 1.5× idle-free | {ratio:F2}× ({largest.LiveP99Ms:F2} vs {idle.BaselineP99Ms:F2} ms) | {Met(ratio <= 1.5 && largest.Tunnels >= 10_000)} |");
        }

        Line(md);
    }

    private static string Met(bool met) => met ? "yes" : "**no**";

    /// <summary>" (rounds: 0.62×, 0.69×, 0.71×)" when there was more than one round: the spread the median hides.</summary>
    internal static string PerRound(IReadOnlyList<double> ratios) =>
        ratios.Count < 2 ? "" : $" (rounds: {string.Join(", ", ratios.Select(x => Ratio(x, 1)))})";

    private static string Ratio(double a, double b) => double.IsNaN(a) || double.IsNaN(b) || b == 0 ? "n/a" : (a / b).ToString("F2", CultureInfo.InvariantCulture) + "×";

    private static void Line(StringBuilder md, string text = "") => md.Append(text).Append('\n');
}
