using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Forwarding;

namespace McpTunnel.Proxy.Credentials;

/// <summary>
/// One route's upstream credential at run time (docs/ARCHITECTURE.md "Upstream credentials"): the header it is set in,
/// what happens to the caller's Authorization, and the current value, which a re-read of the file may replace while
/// requests run (one reference swap; a request reads it once, so it carries the old value or the new one, whole).
/// It hangs on the route, in the configuration snapshot, so it is never sent to another route's upstream.
/// </summary>
internal sealed class UpstreamCredential
{
    private volatile SecretHeaderValue _value;

    public UpstreamCredential(string route, CredentialSettings settings)
    {
        Route = route;
        Settings = settings;
        _value = settings.Value;
    }

    public string Route { get; }

    public CredentialSettings Settings { get; }

    public string HeaderName => Settings.Header;

    /// <summary>The value requests are sent with now.</summary>
    public SecretHeaderValue Value => _value;

    /// <summary>
    /// True for a caller's header that must not reach the upstream beside the credential: any spelling of the
    /// credential's own header (letter case, <c>_</c> for <c>-</c>, which CGI-style servers read as the same field),
    /// and the caller's Authorization unless it is passed on.
    /// </summary>
    public bool DropsCallerHeader(string name) =>
        HeaderRules.SameField(name, Settings.Header)
        || (Settings.CallerAuthorization != CallerAuthorization.Pass && HeaderRules.SameField(name, CredentialSettings.DefaultHeader));

    /// <summary>Swaps in a value re-read from the file.</summary>
    public void Update(SecretHeaderValue value) => _value = value;
}
