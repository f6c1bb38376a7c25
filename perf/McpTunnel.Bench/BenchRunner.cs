using System.Net;

namespace McpTunnel.Bench;

/// <summary>
/// Runs the selected parts in order (start, request/response, SSE, bulk, handshakes, idle), writing progress lines, then
/// the report (<c>report.md</c>) and the latency charts (<c>latency-closed.svg</c>, <c>latency-open.svg</c>) into the
/// output directory.
/// </summary>
internal static class BenchRunner
{
    public static async Task<BenchResults> RunAsync(BenchOptions options, string commandLine, TextWriter log, CancellationToken cancellationToken)
    {
        var results = new BenchResults { Options = options, CommandLine = commandLine };
        var targets = TargetsFile.Load(options.TargetsFile); // a broken targets file fails now, not after minutes of measuring
        Directory.CreateDirectory(options.OutputDirectory);
        await using (var stack = await BenchStack.StartAsync(options, log, cancellationToken))
        {
            results.NginxPresent = stack.Nginx is not null;
            results.ProxyOutOfProcess = stack.Proxy.OutOfProcess;
            async Task RunPartAsync(BenchPart part, string heading, Func<Task> run)
            {
                if (options.Parts.Contains(part))
                {
                    await log.WriteLineAsync(heading);
                    await run();
                }
            }

            await RunPartAsync(BenchPart.Start, "start:", async () => results.Startup = await StartupBench.RunAsync(stack, options, log, cancellationToken));
            if (options.Parts.Contains(BenchPart.Rr))
            {
                foreach (var protocol in options.Protocols)
                {
                    await log.WriteLineAsync($"request/response, HTTP/{protocol}:");
                    var version = protocol == "2" ? HttpVersion.Version20 : HttpVersion.Version11;
                    results.RequestResponse.Add(await RequestResponseBench.RunAsync(stack, version, options, log, cancellationToken));
                }
            }

            await RunPartAsync(BenchPart.Sse, "SSE:", async () => results.Sse = await StreamingBench.SseAsync(stack, options, log, cancellationToken));
            await RunPartAsync(BenchPart.Bulk, "bulk:", async () => results.Bulk = await StreamingBench.BulkAsync(stack, options, log, cancellationToken));
            await RunPartAsync(BenchPart.Handshake, "handshakes:", async () => results.Handshakes = await HandshakeBench.RunAsync(stack, options, log, cancellationToken));
            await RunPartAsync(BenchPart.Idle, "idle tunnels:", async () => results.Idle = await IdleTunnelBench.RunAsync(stack, options, log, cancellationToken));
        }

        var report = BenchReport.Render(results, targets);
        await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, "report.md"), report, cancellationToken);
        if (results.RequestResponse.Count > 0)
        {
            foreach (var openLoop in new[] { false, true })
            {
                var series = results.RequestResponse
                    .SelectMany(rr => rr.Targets.Where(t => rr.Version.Major == 1 || t.Kind != "direct").Select(t => (t.Name, rr.Merged(t.Name, openLoop))))
                    .ToList();
                var title = openLoop
                    ? $"Open loop at half nginx's max rate: latency from intended send time"
                    : $"Closed loop, concurrency {options.Concurrency}: request latency";
                await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, openLoop ? "latency-open.svg" : "latency-closed.svg"), SvgChart.Render(title, series), cancellationToken);
            }
        }

        if (results.Sse is { Count: > 0 } sse)
        {
            await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, "latency-sse.svg"), SvgChart.Render("SSE: upstream write → client read, per event", [.. sse.Select(s => (s.Key, s.Value))]), cancellationToken);
        }

        await log.WriteLineAsync();
        await log.WriteLineAsync(report);
        await log.WriteLineAsync($"Written: {Path.Combine(options.OutputDirectory, "report.md")} and latency-*.svg");
        return results;
    }
}
