using McpTunnel.Proxy.Configuration;

namespace McpTunnel.Proxy.Credentials;

/// <summary>
/// One route's upstream credential at run time (docs/ARCHITECTURE.md "Upstream credentials"): the header it is set in,
/// what happens to the caller's Authorization, and the current value. <see cref="Poll"/> re-reads the file by the rule
/// the certificate follows (<see cref="LastGoodFile{T}"/>): a new content is swapped in with one reference write, so a
/// request, which reads the value once, carries the old value or the new one, whole; a file that became unreadable or
/// unusable keeps the last good value. It hangs on the route, in the configuration snapshot, so it is never sent to
/// another route's upstream.
/// </summary>
internal sealed class UpstreamCredential
{
    private readonly LastGoodFile<SecretHeaderValue> _file;

    public UpstreamCredential(string route, CredentialSettings settings)
    {
        Route = route;
        Settings = settings;
        _file = new LastGoodFile<SecretHeaderValue>(settings.Value, settings.Value.ContentHash, () => Read(settings));
    }

    public string Route { get; }

    public CredentialSettings Settings { get; }

    public string HeaderName => Settings.Header;

    /// <summary>The value requests are sent with now.</summary>
    public SecretHeaderValue Value => _file.Current;

    /// <summary>
    /// True for a caller's header that must not reach the upstream beside the credential: any spelling of the
    /// credential's own header (letter case, <c>_</c> for <c>-</c>, which CGI-style servers read as the same field),
    /// and the caller's Authorization unless it is passed on.
    /// </summary>
    public bool DropsCallerHeader(string name) =>
        SameField(name, Settings.Header)
        || (Settings.CallerAuthorization != CallerAuthorization.Pass && SameField(name, CredentialSettings.DefaultHeader));

    /// <summary>Re-reads the file once (<see cref="CredentialRefresher"/> calls it on every route's credential).</summary>
    public FilePoll Poll() => _file.Poll();

    private static FileRead<SecretHeaderValue> Read(CredentialSettings settings)
    {
        var content = CredentialFile.Read(settings.ValueFile, settings.Prefix);
        return content.Value is { } value
            ? FileRead<SecretHeaderValue>.Read(value.ContentHash, () => value)
            : FileRead<SecretHeaderValue>.Unreadable(content.Problem!, content.Fix);
    }

    /// <summary>
    /// True when <paramref name="name"/> names the field <paramref name="field"/>: letter case ignored, and <c>_</c> read as
    /// <c>-</c> (<c>X_API_Key</c> is <c>X-API-Key</c> to servers that map headers to CGI-style variables).
    /// </summary>
    private static bool SameField(string name, string field)
    {
        if (name.Length != field.Length)
        {
            return false;
        }

        for (var i = 0; i < name.Length; i++)
        {
            char a = name[i], b = field[i];
            if (a != b && char.ToLowerInvariant(a == '_' ? '-' : a) != char.ToLowerInvariant(b == '_' ? '-' : b))
            {
                return false;
            }
        }

        return true;
    }
}
