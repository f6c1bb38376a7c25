namespace McpTunnel.Pki.Rules;

/// <summary>
/// TLS host-name matching (RFC 6125 as browsers and Go apply it): case-insensitive, a trailing dot
/// ignored, and a wildcard only as the whole left-most label, matching exactly one label —
/// <c>*.d</c> matches <c>echo.d</c> but neither <c>d</c> nor <c>a.echo.d</c>.
/// </summary>
internal static class DnsNameMatcher
{
    public static bool Matches(string pattern, string host)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(host);
        pattern = Normalize(pattern);
        host = Normalize(host);
        if (host.Length == 0 || host.Contains('*', StringComparison.Ordinal))
        {
            return false;
        }

        if (!pattern.StartsWith("*.", StringComparison.Ordinal))
        {
            return !pattern.Contains('*', StringComparison.Ordinal) && pattern == host;
        }

        var suffix = pattern[1..];
        if (suffix.Contains('*', StringComparison.Ordinal) || !host.EndsWith(suffix, StringComparison.Ordinal))
        {
            return false;
        }

        var label = host[..^suffix.Length];
        return label.Length > 0 && !label.Contains('.', StringComparison.Ordinal);
    }

    /// <summary>True when the pattern is exactly <c>*.&lt;domain&gt;</c>, so any route name under the domain matches.</summary>
    public static bool CoversEveryRoute(string pattern, string tunnelDomain) =>
        Normalize(pattern) == "*." + Normalize(tunnelDomain);

    public static string Normalize(string name) => name.Trim().TrimEnd('.').ToLowerInvariant();
}
