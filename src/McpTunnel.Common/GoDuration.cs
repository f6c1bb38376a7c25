using System.Globalization;
using System.Text;

namespace McpTunnel.Common;

/// <summary>
/// Go's <c>time.ParseDuration</c> syntax: a signed sequence of decimal numbers, each with
/// an optional fraction and a unit (<c>ns us µs ms s m h</c>), e.g. <c>30s</c>, <c>1h30m</c>, <c>2160h</c>.
/// Operators copy these values from the public docs, so we accept exactly what Go accepts.
/// </summary>
public static class GoDuration
{
    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says what is wrong, in Go's words.</summary>
    public static bool TryParse(string? text, out TimeSpan value, out string? error)
    {
        value = TimeSpan.Zero;
        error = null;
        if (string.IsNullOrEmpty(text))
        {
            error = "time: invalid duration \"\"";
            return false;
        }

        var s = text.AsSpan();
        var negative = false;
        if (s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s is "0")
        {
            return true;
        }

        if (s.IsEmpty)
        {
            error = $"time: invalid duration \"{text}\"";
            return false;
        }

        decimal totalTicks = 0;
        while (!s.IsEmpty)
        {
            var digits = 0;
            while (digits < s.Length && (char.IsAsciiDigit(s[digits]) || s[digits] == '.'))
            {
                digits++;
            }

            if (digits == 0 || !decimal.TryParse(s[..digits], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                error = $"time: invalid duration \"{text}\"";
                return false;
            }

            s = s[digits..];
            var unitLength = 0;
            while (unitLength < s.Length && !char.IsAsciiDigit(s[unitLength]) && s[unitLength] != '.')
            {
                unitLength++;
            }

            if (unitLength == 0)
            {
                error = $"time: missing unit in duration \"{text}\"";
                return false;
            }

            decimal ticksPerUnit = s[..unitLength] switch
            {
                "ns" => 0.01m,
                "us" or "µs" or "μs" => TimeSpan.TicksPerMicrosecond,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                "h" => TimeSpan.TicksPerHour,
                _ => -1,
            };
            if (ticksPerUnit < 0)
            {
                error = $"time: unknown unit \"{s[..unitLength].ToString()}\" in duration \"{text}\"";
                return false;
            }

            // Checked before multiplying: a long enough digit string overflows even decimal (found by fuzzing).
            if (number > (TimeSpan.MaxValue.Ticks - totalTicks) / ticksPerUnit)
            {
                error = $"time: invalid duration \"{text}\"";
                return false;
            }

            totalTicks += number * ticksPerUnit;
            if (totalTicks > TimeSpan.MaxValue.Ticks)
            {
                error = $"time: invalid duration \"{text}\"";
                return false;
            }

            s = s[unitLength..];
        }

        var ticks = (long)decimal.Round(totalTicks);
        value = TimeSpan.FromTicks(negative ? -ticks : ticks);
        return true;
    }

    /// <summary>Parses or throws <see cref="FormatException"/> with Go's message.</summary>
    public static TimeSpan Parse(string text) =>
        TryParse(text, out var value, out var error) ? value : throw new FormatException(error);

    /// <summary>Formats like Go's <c>Duration.String()</c> for whole units: <c>2160h0m0s</c> becomes <c>2160h</c> here, which Go also parses.</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        var builder = new StringBuilder();
        if (value < TimeSpan.Zero)
        {
            builder.Append('-');
            value = value.Negate();
        }

        var hours = (long)value.TotalHours;
        if (hours > 0)
        {
            builder.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        }

        if (value.Minutes > 0)
        {
            builder.Append(value.Minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        }

        var seconds = value.Seconds + (value.Ticks % TimeSpan.TicksPerSecond / (decimal)TimeSpan.TicksPerSecond);
        if (seconds > 0)
        {
            builder.Append(seconds.ToString("0.#########", CultureInfo.InvariantCulture)).Append('s');
        }

        return builder.ToString();
    }
}
