namespace McpTunnel.Cli.Top;

/// <summary>The <c>--admin</c> value of <c>top</c> and <c>doctor</c>: <c>http://HOST:PORT</c>, or a bare <c>HOST:PORT</c>.</summary>
internal static class AdminAddress
{
    public const string Default = "http://127.0.0.1:9090";

    public static bool TryParse(string text, out Uri admin)
    {
        var candidate = text.Contains("://", StringComparison.Ordinal) ? text : "http://" + text;
        if (Uri.TryCreate(candidate, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https" && parsed.Host.Length > 0)
        {
            admin = new Uri(parsed.GetLeftPart(UriPartial.Authority) + "/");
            return true;
        }

        admin = null!;
        return false;
    }

    public static string Expectation(string option, string text) =>
        $"{option} expects the proxy's admin address http://HOST:PORT (its admin_addr), got '{text}'";
}
