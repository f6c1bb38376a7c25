using System.Text;
using McpTunnel.Pki.Issuing;
using static McpTunnel.Bench.Markdown;

namespace McpTunnel.Bench;

/// <summary>The handshake part's sections: new tunnels per key type beside nginx's TLS-only handshakes, then one request per connection, full and resumed.</summary>
internal static class HandshakeReport
{
    public static void Write(StringBuilder md, IReadOnlyList<HandshakeResult> handshakes, BenchOptions o)
    {
        Line(md, $"## New tunnels (WebSocket + inner TLS handshake + close), {o.Handshakes} per key type, {o.HandshakeConcurrency} at a time");
        Line(md);
        if (handshakes.Any(h => h.Peer == HandshakePeer.NginxTlsOnly))
        {
            Line(md, "nginx TLS only (reference): TCP connect + TLS handshake (the tunnel's client options: ALPN http/1.1, same CA validation) + close, against the bench nginx; per CPU-second of nginx master + workers.");
            Line(md);
        }

        if (o.ProxyOutOfProcess && o.ProxyBinaries.Count > 1)
        {
            Line(md, "Builds compared in this run, each with a proxy of its own per key type: " + string.Join("; ", o.ProxyBinaries.Select((b, i) => $"{HandshakeBench.ProxyLabel(i)} = `{b}`")) + ".");
            Line(md);
        }

        Line(md, "| server | key | per second (wall) | per server CPU-second (\"per core\") | failed |");
        Line(md, "|---|---|---:|---:|---:|");
        foreach (var h in handshakes.Where(h => h.Mode == HandshakeMode.Full))
        {
            var server = h.Peer == HandshakePeer.NginxTlsOnly ? "nginx TLS only (reference)" : $"{h.Proxy} (mcp-proxy)";
            Line(md, $"| {server} | {h.Algorithm} | {h.PerSecond:F0} | {h.PerCpuSecond:F0}{(h.CpuIncludesClient ? " (in process: includes the client)" : "")} | {h.Failed} |");
        }

        Line(md);
        if (handshakes.Any(h => h.Mode != HandshakeMode.Full))
        {
            WithRequest(md, o, handshakes);
        }
    }

    /// <summary>New tunnels per proxy CPU-second with ECDSA P-256, and the same against nginx's TLS-only handshakes.</summary>
    public static IEnumerable<Measurement> Measure(IReadOnlyList<HandshakeResult> handshakes)
    {
        if (handshakes.FirstOrDefault(h => h.Peer == HandshakePeer.Tunnel && h.Proxy == HandshakeBench.ProxyLabel(0) && h.Mode == HandshakeMode.Full && h.Algorithm == KeyAlgorithm.EcdsaP256) is not { } ecdsa)
        {
            yield break;
        }

        var tlsOnly = handshakes.FirstOrDefault(h => h.Peer == HandshakePeer.NginxTlsOnly);
        var reference = tlsOnly is not null ? $"; nginx TLS-only reference {tlsOnly.PerCpuSecond:F0} per CPU-second" : "";
        yield return new("handshake.tunnels_per_cpu_second", "ECDSA P-256", ecdsa.PerCpuSecond,
            $"{ecdsa.PerCpuSecond:F0} per proxy CPU-second ({ecdsa.PerSecond:F0}/s wall, client on the same cores){reference}");
        if (tlsOnly is not null && !ecdsa.CpuIncludesClient)
        {
            var ratio = ecdsa.PerCpuSecond / tlsOnly.PerCpuSecond;
            yield return new("handshake.vs_nginx_tls_only", "ECDSA P-256", ratio, $"{ratio:F2}× ({ecdsa.PerCpuSecond:F0} vs {tlsOnly.PerCpuSecond:F0})");
        }
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
                Line(md, $"| {HandshakeBench.Describe(mode)} | {(h.Peer == HandshakePeer.Tunnel ? $"{h.Proxy} (mcp-proxy)" : "nginx")} | {h.PerSecond:F0} | {h.PerCpuSecond:F0}{(h.CpuIncludesClient ? " (in process: includes the client)" : "")} | {ratio} | {h.Failed} |");
            }
        }

        Line(md);
    }
}
