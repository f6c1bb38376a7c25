using System.Text;
using static McpTunnel.Bench.Markdown;

namespace McpTunnel.Bench;

/// <summary>The idle part's sections: RSS per idle tunnel (fresh and after one request), idle SSE streams, and builds compared.</summary>
internal static class IdleReport
{
    public static void Write(StringBuilder md, IReadOnlyList<IdleResult> passes)
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
            Comparison(md, passes);
        }
    }

    /// <summary>
    /// Per idle-tunnel count of the first pass (with builds compared, the first <c>--proxy-binary</c>, which every other
    /// part ran too): KB per tunnel fresh and after one request, live p99 against idle-free; KB per idle SSE stream.
    /// </summary>
    public static IEnumerable<Measurement> Measure(IReadOnlyList<IdleResult> passes)
    {
        var idle = passes[0];
        foreach (var row in idle.Rows)
        {
            var subject = $"{row.Tunnels} tunnels";
            yield return new("idle.kb_per_tunnel_fresh", subject, row.BytesPerTunnel / 1024, $"{Kb(row.BytesPerTunnel)} KB");
            yield return new("idle.kb_per_tunnel_after_use", subject, row.BytesPerTunnelAfterUse / 1024, $"{Kb(row.BytesPerTunnelAfterUse)} KB");
            var ratio = row.LiveP99Ms / idle.BaselineP99Ms;
            yield return new("idle.live_p99_vs_idle_free", subject, ratio, $"{ratio:F2}× ({row.LiveP99Ms:F2} vs {idle.BaselineP99Ms:F2} ms)");
        }

        if (idle.Streams is { Streams: > 0 } streams)
        {
            yield return new("idle.kb_per_sse_stream", $"{streams.Streams} streams", streams.BytesPerStream / 1024, $"{Kb(streams.BytesPerStream)} KB of proxy RSS");
        }
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
    private static void Comparison(StringBuilder md, IReadOnlyList<IdleResult> passes)
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
}
