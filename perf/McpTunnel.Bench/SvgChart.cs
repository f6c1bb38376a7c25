using System.Globalization;
using System.Text;

namespace McpTunnel.Bench;

/// <summary>
/// Latency distributions as percentile curves (HDR-plot style): x is the percentile on a "number of nines" scale
/// (0, 90, 99, 99.9, 99.99), y is latency in ms on a log scale. Written by hand: one polyline per target.
/// </summary>
internal static class SvgChart
{
    private static readonly string[] Colors = ["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860"];

    public static string Render(string title, IReadOnlyList<(string Name, LatencyHistogram Histogram)> series)
    {
        const int width = 760, height = 420, left = 70, right = 190, top = 40, bottom = 50;
        var plotWidth = width - left - right;
        var plotHeight = height - top - bottom;
        const double maxNines = 4; // 99.99th
        var points = series.Select(s => Enumerable.Range(0, 81)
            .Select(i => i * maxNines / 80)
            .Select(n => (Nines: n, Ms: s.Histogram.PercentileMs(100 * (1 - Math.Pow(10, -n)))))
            .Where(p => p.Ms > 0 && !double.IsNaN(p.Ms)).ToArray()).ToArray();
        var all = points.SelectMany(p => p).Select(p => p.Ms).DefaultIfEmpty(1).ToArray();
        var minLog = Math.Floor(Math.Log10(Math.Max(all.Min(), 0.001)));
        var maxLog = Math.Ceiling(Math.Log10(Math.Max(all.Max(), 0.001)));
        if (maxLog <= minLog)
        {
            maxLog = minLog + 1;
        }

        double X(double nines) => left + nines / maxNines * plotWidth;
        double Y(double ms) => top + plotHeight - (Math.Log10(ms) - minLog) / (maxLog - minLog) * plotHeight;
        string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

        var svg = new StringBuilder();
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">""");
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<rect width="{width}" height="{height}" fill="white"/>""");
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<text x="{width / 2}" y="22" text-anchor="middle" font-size="15">{Escape(title)}</text>""");
        for (var n = 0; n <= maxNines; n++)
        {
            var label = n == 0 ? "p0" : "p" + (100 * (1 - Math.Pow(10, -n))).ToString("0.##", CultureInfo.InvariantCulture);
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<line x1="{F(X(n))}" y1="{top}" x2="{F(X(n))}" y2="{top + plotHeight}" stroke="#ddd"/><text x="{F(X(n))}" y="{top + plotHeight + 18}" text-anchor="middle">{label}</text>""");
        }

        for (var e = minLog; e <= maxLog; e++)
        {
            var ms = Math.Pow(10, e);
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<line x1="{left}" y1="{F(Y(ms))}" x2="{left + plotWidth}" y2="{F(Y(ms))}" stroke="#ddd"/><text x="{left - 6}" y="{F(Y(ms) + 4)}" text-anchor="end">{ms.ToString("0.###", CultureInfo.InvariantCulture)} ms</text>""");
        }

        svg.AppendLine(CultureInfo.InvariantCulture, $"""<text x="{left + plotWidth / 2}" y="{height - 12}" text-anchor="middle">percentile</text>""");
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<rect x="{left}" y="{top}" width="{plotWidth}" height="{plotHeight}" fill="none" stroke="#333"/>""");
        for (var i = 0; i < series.Count; i++)
        {
            var color = Colors[i % Colors.Length];
            var path = string.Join(" ", points[i].Select(p => $"{F(X(p.Nines))},{F(Y(p.Ms))}"));
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<polyline fill="none" stroke="{color}" stroke-width="2" points="{path}"/>""");
            var y = top + 10 + i * 20;
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<line x1="{left + plotWidth + 12}" y1="{y}" x2="{left + plotWidth + 32}" y2="{y}" stroke="{color}" stroke-width="3"/><text x="{left + plotWidth + 38}" y="{y + 4}">{Escape(series[i].Name)}</text>""");
        }

        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
