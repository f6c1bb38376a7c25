using System.Globalization;
using System.Text;

namespace McpTunnel.Bench;

/// <summary>The report's number formats, shared by every part's writer: one spelling of a ratio, a size, a verdict.</summary>
internal static class Markdown
{
    public static void Line(StringBuilder md, string text = "") => md.Append(text).Append('\n');

    /// <summary>a ÷ b as "0.62×", or "n/a" when either side is missing or b is zero.</summary>
    public static string Ratio(double a, double b) => double.IsNaN(a) || double.IsNaN(b) || b == 0 ? "n/a" : (a / b).ToString("F2", CultureInfo.InvariantCulture) + "×";

    /// <summary>" (rounds: 0.62×, 0.69×, 0.71×)" when there was more than one round: the spread the median hides.</summary>
    public static string PerRound(IReadOnlyList<double> ratios) =>
        ratios.Count < 2 ? "" : $" (rounds: {string.Join(", ", ratios.Select(x => Ratio(x, 1)))})";

    public static string Kb(double? bytes) => bytes is { } b && !double.IsNaN(b) ? (b / 1024).ToString("F1", CultureInfo.InvariantCulture) : "n/a";

    public static string Millis(double? value) => value is { } v ? v.ToString("F3", CultureInfo.InvariantCulture) : "n/a";

    public static string Met(bool met) => met ? "yes" : "**no**";
}
