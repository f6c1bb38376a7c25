using System.Globalization;
using McpTunnel.Common;

namespace McpTunnel.Proxy.Configuration;

/// <summary>
/// A rate written as calls per period: <c>10/s</c>, <c>120/m</c>, <c>1000/h</c>, or a Go duration after the slash
/// (<c>5/30s</c>, <c>1/1m30s</c>).
/// </summary>
internal static class CallRate
{
    public static bool TryParse(string text, out int calls, out TimeSpan period, out string? reason)
    {
        calls = 0;
        period = TimeSpan.Zero;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            reason = "has no period (no /)";
            return false;
        }

        if (!int.TryParse(text.AsSpan(0, slash).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out calls) || calls < 1)
        {
            reason = "does not start with a positive whole number of calls";
            return false;
        }

        var unit = text[(slash + 1)..].Trim();
        period = unit switch
        {
            "s" => TimeSpan.FromSeconds(1),
            "m" => TimeSpan.FromMinutes(1),
            "h" => TimeSpan.FromHours(1),
            _ => GoDuration.TryParse(unit, out var parsed, out _) ? parsed : TimeSpan.Zero,
        };
        if (period <= TimeSpan.Zero)
        {
            reason = $"has a period \"{unit}\" that is not s, m, h or a positive Go duration";
            return false;
        }

        reason = null;
        return true;
    }
}
