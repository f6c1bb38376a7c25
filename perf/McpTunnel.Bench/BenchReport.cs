using System.Text;
using static McpTunnel.Bench.Markdown;

namespace McpTunnel.Bench;

/// <summary>
/// The Markdown report: a head naming the run, each part's section from its own writer (beside its bench), then the
/// targets of the targets file judged against what the parts measured.
/// </summary>
internal static class BenchReport
{
    public static string Render(BenchResults r, IReadOnlyList<Target> targets)
    {
        var o = r.Options;
        var md = new StringBuilder();
        var measurements = new List<Measurement>();
        Line(md, $"# mcptunnel-bench: {r.Started:yyyy-MM-dd HH:mm} UTC");
        Line(md);
        Line(md, $"`{r.CommandLine}` — {Environment.ProcessorCount} cores, .NET {Environment.Version}, proxy {DescribeProxy(r)}, nginx {(r.NginxPresent ? "present" : "absent: target (b) skipped")}{(o.Smoke ? ", **smoke mode** (figures meaningless)" : "")}.");
        Line(md, $"Medians over {o.Runs} alternating round(s) of {o.Duration.TotalSeconds:0.#} s each (the targets table also gives each round's ratio). (a) direct = plain HTTP/1.1 to the upstream, (b) nginx TLS proxy, (c) tunnel = WebSocket + inner TLS + mcp-proxy.");
        Line(md);
        if (r.Startup is { Count: > 0 } starts)
        {
            StartupReport.Write(md, starts);
            measurements.AddRange(StartupReport.Measure(starts));
        }

        foreach (var rr in r.RequestResponse)
        {
            RequestResponseReport.Write(md, rr, o, r.ProxyOutOfProcess);
            measurements.AddRange(RequestResponseReport.Measure(rr, o.Concurrency, r.ProxyOutOfProcess));
        }

        if (r.Sse is { } sse)
        {
            StreamingReport.WriteSse(md, sse, o);
            measurements.AddRange(StreamingReport.Measure(sse));
        }

        if (r.Bulk is { } bulk)
        {
            StreamingReport.WriteBulk(md, bulk, o);
        }

        if (r.Handshakes is { } handshakes)
        {
            HandshakeReport.Write(md, handshakes, o);
            measurements.AddRange(HandshakeReport.Measure(handshakes));
        }

        if (r.Idle is { Count: > 0 } passes)
        {
            IdleReport.Write(md, passes);
            measurements.AddRange(IdleReport.Measure(passes));
        }

        TargetsReport.Write(md, targets, measurements);
        return md.ToString();
    }

    private static string DescribeProxy(BenchResults r)
    {
        var variables = r.Options.ProxyEnvironment;
        if (!r.ProxyOutOfProcess)
        {
            return variables.Count > 0 ? "in process (--proxy-env ignored)" : "in process";
        }

        return variables.Count > 0 ? $"out of process (mcp-proxy, environment {BenchStack.DescribeEnvironment(variables)})" : "out of process (mcp-proxy)";
    }
}
