using McpTunnel.Common;

namespace McpTunnel.Cli.Quickstart;

/// <summary>
/// Writes one generated file under the deployment directory and reports what happened. An existing file is
/// left alone unless it already has the same bytes or <c>--force</c> is given, so a re-run changes nothing
/// and a hand-edited config survives.
/// </summary>
internal sealed class QuickstartFiles(string root, bool force, TextWriter output)
{
    public const UnixFileMode Public = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public string Root { get; } = Path.GetFullPath(root);

    public string PathOf(string relative) => Path.Combine(Root, relative);

    public void Write(string relative, string contents, UnixFileMode mode = Public)
    {
        var path = PathOf(relative);
        if (File.Exists(path))
        {
            if (File.ReadAllText(path) == contents)
            {
                output.WriteLine($"  unchanged {relative}");
                return;
            }

            if (!force)
            {
                output.WriteLine($"  kept      {relative} (it differs from what quickstart writes now; --force replaces it)");
                return;
            }

            AtomicFile.WriteAllText(path, contents, mode);
            output.WriteLine($"  replaced  {relative}");
            return;
        }

        AtomicFile.WriteAllText(path, contents, mode);
        output.WriteLine($"  created   {relative}");
    }

    /// <summary>
    /// <c>.env</c> (0600): TUNNEL_DOMAIN and a token placeholder the user fills in. The token is never printed;
    /// an existing file is kept without <c>--force</c>, and even with it an existing TUNNEL_TOKEN line is carried over.
    /// </summary>
    public void WriteEnv(string domain)
    {
        const string relative = ".env";
        var path = PathOf(relative);
        string? tokenLine = null;
        if (File.Exists(path))
        {
            var lines = File.ReadAllLines(path);
            tokenLine = lines.FirstOrDefault(l => l.StartsWith("TUNNEL_TOKEN=", StringComparison.Ordinal));
            var domainLine = lines.FirstOrDefault(l => l.StartsWith("TUNNEL_DOMAIN=", StringComparison.Ordinal));
            if (!force)
            {
                var note = domainLine == $"TUNNEL_DOMAIN={domain}" ? "" : $"; WARNING: it does not say TUNNEL_DOMAIN={domain} (--force rewrites it, keeping the token)";
                output.WriteLine($"  kept      {relative} (never overwritten without --force){note}");
                return;
            }
        }

        var existed = File.Exists(path);
        AtomicFile.WriteAllText(path, QuickstartTemplates.Env(domain, tokenLine), AtomicFile.OwnerOnly);
        output.WriteLine($"  {(existed ? "replaced " : "created  ")} {relative} (mode 0600{(tokenLine is null ? "" : ", existing TUNNEL_TOKEN line kept")})");
    }

    /// <summary>Whether .env holds something other than the placeholder, without printing it.</summary>
    public bool TokenLooksSet()
    {
        var path = PathOf(".env");
        return File.Exists(path) && File.ReadAllLines(path).Any(l =>
            l.StartsWith("TUNNEL_TOKEN=", StringComparison.Ordinal)
            && l.Length > "TUNNEL_TOKEN=".Length
            && !l.Contains(QuickstartTemplates.TokenPlaceholder, StringComparison.Ordinal));
    }
}
