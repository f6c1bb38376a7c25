using McpTunnel.Common;

namespace McpTunnel.Cli.Terminal;

/// <summary>Reads <c>--days N</c> or <c>--duration 2160h</c> (Go syntax, as setup's <c>--cert-duration</c>); at most one.</summary>
internal static class ValidityOption
{
    public static bool TryResolve(int? days, string? duration, TimeSpan fallback, out TimeSpan validity, out string? error)
    {
        validity = fallback;
        error = null;
        if (days is not null && duration is not null)
        {
            error = "give --days or --duration, not both";
            return false;
        }

        if (days is { } d)
        {
            if (d <= 0)
            {
                error = "--days must be a positive number of days";
                return false;
            }

            validity = TimeSpan.FromDays(d);
            return true;
        }

        if (duration is not null)
        {
            if (!GoDuration.TryParse(duration, out var parsed, out var parseError) || parsed <= TimeSpan.Zero)
            {
                error = $"--duration \"{duration}\" is not a positive Go duration such as 2160h ({parseError ?? "not positive"})";
                return false;
            }

            validity = parsed;
        }

        return true;
    }
}
