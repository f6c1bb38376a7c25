using System.Globalization;
using System.Text;

namespace McpTunnel.Cli.Top;

/// <summary>
/// One <c>top</c> screen as plain text, the same on a terminal and in a pipe (the terminal only adds the redraw
/// sequence), so a pasted snapshot reads like the live view. Numbers are invariant-culture; empty sections say so.
/// </summary>
internal static class TopRenderer
{
    public static string Render(TopView view, Uri admin, TimeSpan interval)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"mcptunnel top  {admin.GetLeftPart(UriPartial.Authority)}");
        if (view.Version is { } version)
        {
            text.Append(CultureInfo.InvariantCulture, $"  mcp-proxy {version}");
        }

        text.Append(CultureInfo.InvariantCulture, $"  rates over {Seconds(view.IntervalSeconds > 0 ? view.IntervalSeconds : interval.TotalSeconds)}\n");
        text.Append(CultureInfo.InvariantCulture, $"readiness    {view.Readiness}\n");
        text.Append(CultureInfo.InvariantCulture, $"tunnels      {Count(view.TunnelsActive)} active, {Count(view.TunnelsOpened)} opened; {Count(view.StreamingOpen)} streaming responses open\n");
        text.Append(CultureInfo.InvariantCulture, $"certificate  {(view.CertificateExpiryDays is { } days ? days < 0 ? $"EXPIRED {Number(-days, 1)} days ago" : $"{Number(days, 1)} days to expiry" : "-")}\n");

        text.Append('\n');
        var routeWidth = Math.Max(5, view.Routes.Select(r => r.Route.Length).DefaultIfEmpty(0).Max());
        text.Append(CultureInfo.InvariantCulture, $"{"ROUTE".PadRight(routeWidth)}  {"REQUESTS",10}  {"REQ/S",8}  {"P50",9}  {"P99",9}\n");
        if (view.Routes.Count == 0)
        {
            text.Append("(no requests yet)\n");
        }

        foreach (var route in view.Routes)
        {
            text.Append(CultureInfo.InvariantCulture, $"{route.Route.PadRight(routeWidth)}  {Count(route.Requests),10}  {Number(route.PerSecond, 2),8}  {Latency(route.P50),9}  {Latency(route.P99),9}\n");
        }

        text.Append("\nERRORS\n");
        if (view.UpstreamFailures.Count == 0 && view.HandshakeFailures.Count == 0)
        {
            text.Append("(none)\n");
        }

        var errors = view.UpstreamFailures.Select(e => ($"upstream {e.Name}", e.Count))
            .Concat(view.HandshakeFailures.Select(e => ($"tls handshake: {e.Name}", e.Count))).ToList();
        var errorWidth = errors.Select(e => e.Item1.Length).DefaultIfEmpty(0).Max();
        foreach (var (name, count) in errors)
        {
            text.Append(CultureInfo.InvariantCulture, $"{name.PadRight(errorWidth)}  {Count(count),8}\n");
        }

        // Only a proxy with an MCP policy refuses; without one the screen stays as it was.
        if (view.PolicyRefusals.Count > 0)
        {
            text.Append("\nPOLICY REFUSALS\n");
            var width = view.PolicyRefusals.Max(r => r.Name.Length);
            foreach (var refusal in view.PolicyRefusals)
            {
                text.Append(CultureInfo.InvariantCulture, $"{refusal.Name.PadRight(width)}  {Count(refusal.Count),8}\n");
            }
        }

        text.Append("\nTOP TOOLS\n");
        if (view.Tools.Count == 0)
        {
            text.Append("(no tool calls yet)\n");
        }

        var toolWidth = view.Tools.Select(t => t.Route.Length + 1 + t.Tool.Length).DefaultIfEmpty(0).Max();
        foreach (var tool in view.Tools)
        {
            text.Append(CultureInfo.InvariantCulture, $"{$"{tool.Route}/{tool.Tool}".PadRight(toolWidth)}  {Count(tool.Calls),8}\n");
        }

        return text.ToString();
    }

    private static string Count(double? value) => value is { } v ? v.ToString("0", CultureInfo.InvariantCulture) : "-";

    private static string Number(double value, int decimals) => value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static string Seconds(double seconds) => seconds >= 1 ? $"{Number(seconds, 1)}s" : $"{Number(seconds * 1000, 0)}ms";

    private static string Latency(double? seconds) => seconds switch
    {
        null => "-",
        < 0.001 => $"{Number(seconds.Value * 1_000_000, 0)}µs",
        < 1 => $"{Number(seconds.Value * 1000, 1)}ms",
        _ => $"{Number(seconds.Value, 2)}s",
    };
}
