using McpTunnel.Common;
using McpTunnel.Pki.Issuing;
using McpTunnel.Setup.Outputs;

namespace McpTunnel.Setup.Commands;

/// <summary>Reads one flag's text into its value, or says what is wrong and how to fix it.</summary>
internal delegate bool FlagRule<T>(string text, out T value, out string? error);

/// <summary>
/// The rules for setup's flag values, applied to a flag's word and to the variable it falls back to alike, so
/// <c>--api-url</c> and <c>API_URL</c> accept the same values and are refused in the same words.
/// </summary>
internal static class FlagRules
{
    public static bool AnyText(string text, out string value, out string? error)
    {
        value = text;
        error = null;
        return true;
    }

    public static bool TryReadApiUrl(string text, out Uri value, out string? error)
    {
        value = null!;
        error = null;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            error = $"--api-url / API_URL \"{text}\" is not an http(s) URL: use https://api.anthropic.com";
            return false;
        }

        // The identity JWT and the access token travel in these requests: cleartext only to this machine.
        if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
        {
            error = $"--api-url / API_URL \"{text}\" uses plain http: use https (http is accepted only for a loopback test server)";
            return false;
        }

        value = new Uri(uri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/", UriKind.Absolute);
        return true;
    }

    public static bool TryReadTunnelId(string text, out string value, out string? error)
    {
        value = text;
        error = null;
        if (text.Any(char.IsWhiteSpace) || text.Contains('/', StringComparison.Ordinal))
        {
            error = $"--tunnel-id / TUNNEL_ID \"{text}\" is not a tunnel ID: use the tnl_... value from the Console";
            return false;
        }

        return true;
    }

    public static bool TryReadOutput(string text, out OutputDestination value, out string? error)
    {
        var read = OutputDestination.TryParse(text, out var destination, out error);
        value = destination!;
        return read;
    }

    public static bool TryReadKeyType(string text, out KeyAlgorithm value, out string? error)
    {
        error = null;
        if (KeyAlgorithms.TryParse(text, out value))
        {
            return true;
        }

        error = $"--key-type \"{text}\" is not supported: use {string.Join(", ", KeyAlgorithms.Flags)}";
        return false;
    }

    public static FlagRule<TimeSpan> PositiveDuration(string flag) => (string text, out TimeSpan value, out string? error) =>
        TryReadDuration(flag, text, positive: true, out value, out error);

    public static FlagRule<TimeSpan> ZeroOrPositiveDuration(string flag) => (string text, out TimeSpan value, out string? error) =>
        TryReadDuration(flag, text, positive: false, out value, out error);

    private static bool TryReadDuration(string flag, string text, bool positive, out TimeSpan value, out string? error)
    {
        if (!GoDuration.TryParse(text, out value, out var goError))
        {
            error = $"--{flag}: {goError}: use a Go duration such as 2160h or 720h";
            return false;
        }

        if (value < TimeSpan.Zero || (positive && value == TimeSpan.Zero))
        {
            error = $"--{flag}={text} must be {(positive ? "positive" : "zero or positive")}: use a Go duration such as 2160h or 720h";
            return false;
        }

        error = null;
        return true;
    }
}
