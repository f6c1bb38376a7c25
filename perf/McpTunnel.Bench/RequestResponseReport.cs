using System.Globalization;
using System.Text;
using static McpTunnel.Bench.Markdown;

namespace McpTunnel.Bench;

/// <summary>The request/response part's sections: closed and open loop per HTTP version, ratios c/a (tunnel ÷ direct) and c/b (tunnel ÷ nginx).</summary>
internal static class RequestResponseReport
{
    public static void Write(StringBuilder md, RequestResponseResult rr, BenchOptions o, bool proxyOutOfProcess)
    {
        var http = rr.Version.Major == 2 ? "HTTP/2" : "HTTP/1.1";
        Line(md, $"## Request/response, {http} inside TLS: closed loop, concurrency {o.Concurrency}");
        Line(md);
        Line(md, "| target | rps | p50 ms | p99 ms | p99.9 ms | errors | c/a | c/b | server CPU µs/req | client+upstream CPU µs/req |");
        Line(md, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        Rows(md, rr, openLoop: false);
        Line(md);
        ServerCpuComparison(md, rr, proxyOutOfProcess);
        VariantComparisons(md, rr, o, proxyOutOfProcess);
        Line(md);
        Line(md, $"## Request/response, {http}: open loop at {rr.OpenRate} rps offered (latency from intended send time)");
        Line(md);
        Line(md, "| target | achieved rps | p50 ms | p99 ms | p99.9 ms | errors | p99 c/a | p99 c/b |");
        Line(md, "|---|---:|---:|---:|---:|---:|---:|---:|");
        Rows(md, rr, openLoop: true);
        Line(md);
    }

    /// <summary>Tunnel ÷ nginx: closed-loop throughput and (out of process only) server CPU per request, per HTTP version.</summary>
    public static IEnumerable<Measurement> Measure(RequestResponseResult rr, int concurrency, bool proxyOutOfProcess)
    {
        var http = rr.Version.Major == 2 ? "h2" : "h1.1";
        var nginx = rr.Targets.FirstOrDefault(t => t.Kind == "nginx")?.Name;
        var tunnel = rr.Targets.First(t => t.Kind == "tunnel").Name;
        if (nginx is null)
        {
            yield break;
        }

        var throughput = rr.MedianRps(tunnel) / rr.MedianRps(nginx);
        yield return new("rr.throughput_vs_nginx", http, throughput,
            $"{throughput:F2}×{PerRound(rr.RoundRatios(tunnel, nginx, x => x.RequestsPerSecond))} (c={concurrency})");
        if (proxyOutOfProcess)
        {
            var tunnelCpu = rr.MedianServerCpuPerRequest(tunnel);
            var nginxCpu = rr.MedianServerCpuPerRequest(nginx);
            yield return new("rr.server_cpu_vs_nginx", http, tunnelCpu / nginxCpu,
                $"{Ratio(tunnelCpu, nginxCpu)}{PerRound(rr.RoundRatios(tunnel, nginx, x => x.ServerCpuMicrosPerRequest))} ({RequestResponseBench.Micros(tunnelCpu)} vs {RequestResponseBench.Micros(nginxCpu)} µs)");
        }
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

    /// <summary>
    /// For each second proxy (<c>--metrics-ab</c>, <c>--variant</c>, a second <c>--proxy-binary</c>): what it costs against
    /// the plain tunnel, measured in the same rounds.
    /// </summary>
    private static void VariantComparisons(StringBuilder md, RequestResponseResult rr, BenchOptions o, bool proxyOutOfProcess)
    {
        foreach (var variant in o.Variants)
        {
            if (rr.Targets.FirstOrDefault(t => t.Kind == variant.Kind)?.Name is { } on)
            {
                VariantComparison(md, rr, variant.Description, on, proxyOutOfProcess);
            }
        }
    }

    private static void VariantComparison(StringBuilder md, RequestResponseResult rr, string description, string on, bool proxyOutOfProcess)
    {
        var off = rr.Targets.First(t => t.Kind == "tunnel").Name;
        var throughput = $"{description} ÷ plain tunnel: throughput {Ratio(rr.MedianRps(on), rr.MedianRps(off))}";
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
        Line(md, $"Paired by round: throughput on ÷ off {pairedThroughput.ToString("F2", CultureInfo.InvariantCulture)}×; "
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
}
