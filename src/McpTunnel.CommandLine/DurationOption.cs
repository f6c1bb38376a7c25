using System.CommandLine;
using System.Globalization;
using McpTunnel.Common;

namespace McpTunnel.CommandLine;

/// <summary>
/// The one convention for a length of time on the command line: a Go duration (<c>500ms</c>, <c>30s</c>, <c>5m</c>,
/// <c>1h30m</c>, <c>720h</c>), as the proxy's config and setup's flags take it. Options that took a bare number of
/// seconds before this convention (<c>mcptunnel-bench --duration</c>, <c>doctor --timeout</c>) still read a bare number as
/// seconds, so existing scripts keep working; everywhere else a bare number is refused, as Go refuses it.
/// </summary>
internal sealed class DurationOption : Option<TimeSpan?>
{
    private DurationOption(string name, TimeSpan defaultValue)
        : base(name)
    {
        Default = defaultValue;
    }

    /// <summary>The value when the option is absent. Not a DefaultValueFactory: help would print it as <c>00:00:10</c>.</summary>
    public TimeSpan Default { get; }

    /// <summary>An option of a positive duration that also reads a bare number as seconds (its meaning before durations).</summary>
    public static DurationOption SecondsOrDuration(string name, string description, TimeSpan defaultValue) => new(name, defaultValue)
    {
        Description = $"{description}: a duration such as 30s or 2m, or a bare number of seconds (default {Format(defaultValue)})",
        HelpName = "duration",
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 0 ? string.Empty : result.Tokens[0].Value;
            if (TryParse(text, acceptSeconds: true, out var value, out var error))
            {
                return value;
            }

            result.AddError($"{name} {error}");
            return null;
        },
    };

    /// <summary>An option of a positive Go duration; a bare number is refused, as Go refuses it.</summary>
    public static DurationOption Duration(string name, string description, TimeSpan defaultValue) => new(name, defaultValue)
    {
        Description = $"{description}: a duration such as 500ms, 2s or 1m (default {Format(defaultValue)})",
        HelpName = "duration",
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 0 ? string.Empty : result.Tokens[0].Value;
            if (TryParse(text, acceptSeconds: false, out var value, out var error))
            {
                return value;
            }

            result.AddError($"{name} {error}");
            return null;
        },
    };

    /// <summary>The given value, or <see cref="Default"/>.</summary>
    public TimeSpan Read(ParseResult result) => result.GetValue(this) ?? Default;

    /// <summary>A positive Go duration, or (when <paramref name="acceptSeconds"/>) a positive bare number of seconds.</summary>
    public static bool TryParse(string text, bool acceptSeconds, out TimeSpan value, out string? error)
    {
        error = null;
        if (acceptSeconds && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && double.IsFinite(seconds))
        {
            value = TimeSpan.FromSeconds(seconds);
        }
        else if (!GoDuration.TryParse(text, out value, out var goError))
        {
            error = $"expects a duration such as 30s, 5m or 720h{(acceptSeconds ? " (or a number of seconds)" : string.Empty)}, got '{text}' ({goError})";
            return false;
        }

        if (value <= TimeSpan.Zero)
        {
            error = $"must be positive, got '{text}'";
            return false;
        }

        return true;
    }

    /// <summary>The shortest Go spelling of a default: <c>10s</c>, <c>5m</c>, <c>2160h</c>.</summary>
    public static string Format(TimeSpan value) =>
        value.TotalHours >= 1 && value.TotalHours == Math.Floor(value.TotalHours) ? $"{value.TotalHours:0}h"
        : value.TotalMinutes >= 1 && value.TotalMinutes == Math.Floor(value.TotalMinutes) ? $"{value.TotalMinutes:0}m"
        : value.TotalSeconds >= 1 && value.TotalSeconds == Math.Floor(value.TotalSeconds) ? $"{value.TotalSeconds:0}s"
        : $"{value.TotalMilliseconds:0}ms";
}
