using System.Globalization;
using System.Text;
using static McpTunnel.Bench.Markdown;

namespace McpTunnel.Bench;

/// <summary>The start part's section: per binary, the median time to <c>listening</c> and RSS before the first tunnel, and every start.</summary>
internal static class StartupReport
{
    public static void Write(StringBuilder md, IReadOnlyList<StartupResult> starts)
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

    /// <summary>The first binary's medians (the one every other part ran): time to listening and RSS 2 s later.</summary>
    public static IEnumerable<Measurement> Measure(IReadOnlyList<StartupResult> starts)
    {
        var first = starts[0].Binary;
        var subject = $"`{Path.GetFileName(first)}`";
        var ms = RequestResponseBench.Median(starts.Where(s => s.Binary == first).Select(s => s.ToListening.TotalMilliseconds));
        var settled = RequestResponseBench.Median(starts.Where(s => s.Binary == first).Select(s => s.RssSettled / 1048576.0));
        yield return new("start.ms_to_listening", subject, ms, $"{ms:F0} ms");
        yield return new("start.rss_mib", subject, settled, $"{settled:F1} MiB (2 s after listening)");
    }
}
