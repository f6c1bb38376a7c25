using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace McpTunnel.Cli.Doctor;

/// <summary>
/// <c>doctor --oauth URL</c>: OAuth discovery through the tunnel, checked as Claude's backend does it (docs/OAUTH.md).
/// <code>
/// POST URL (no token) ─▶ 401 WWW-Authenticate resource_metadata ─▶ protected-resource metadata (RFC 9728)
///   ─▶ resource: https, public, the URL called      ─▶ authorization_servers[0] on a tunnel host
///   ─▶ its metadata (RFC 8414, then OpenID discovery) ─▶ issuer, token/registration on a tunnel host,
///      authorization_endpoint NOT on one (the user's browser cannot reach the tunnel), S256 offered
/// </code>
/// Every fetch goes through <paramref name="client"/>, the tunnel path doctor's other layers use; nothing outside
/// <c>tunnel_domain</c> is fetched (Claude's backend reaches a private server only through the tunnel).
/// </summary>
internal sealed partial class OAuthProbe(HttpClient client, string tunnelDomain)
{
    private const DoctorLayer Layer = DoctorLayer.OAuth;
    private const string WaysOut = "trust the proxy's X-Forwarded-Host/-Proto in the server, or configure its public URL, or keep upstream.host_header: original and use the server's allowed-hosts option (docs/OAUTH.md)";

    public async Task RunAsync(Uri url, DoctorReport report, CancellationToken cancellationToken)
    {
        var subject = url.Host;

        // Step 1: the challenge.
        var metadataUrl = await ChallengeAsync(url, subject, report, cancellationToken);
        if (metadataUrl is null)
        {
            return;
        }

        // Step 2: the protected-resource metadata.
        using var resourceMetadata = await FetchJsonAsync(metadataUrl, cancellationToken);
        if (resourceMetadata.Document is not { } prm)
        {
            report.Add(DoctorCheck.Fail(Layer, subject, "resource metadata", $"GET {metadataUrl} {resourceMetadata.Problem}", null, "Serve the RFC 9728 document at the URL resource_metadata names, through the tunnel"));
            return;
        }

        report.Add(DoctorCheck.Pass(Layer, subject, "resource metadata", $"GET {metadataUrl.AbsolutePath} → JSON"));
        CheckResource(url, prm.RootElement, subject, report);
        var server = AuthorizationServer(prm.RootElement, subject, report);
        if (server is null)
        {
            return;
        }

        // Step 3: the authorization server's metadata.
        var (asMetadata, fetchedFrom) = await FetchServerMetadataAsync(server, cancellationToken);
        using (asMetadata)
        {
            if (asMetadata?.Document is not { } document)
            {
                report.Add(DoctorCheck.Fail(Layer, server.Host, "as metadata", $"neither {WellKnown(server, "oauth-authorization-server", insert: true)} nor {WellKnown(server, "openid-configuration", insert: false)} answered with JSON through the tunnel ({asMetadata?.Problem})", null, $"Add a route for the authorization server ({server.Host.Split('.')[0]}: http://<its private address>) and reload the proxy (docker compose kill -s HUP mcp-proxy)"));
                return;
            }

            report.Add(DoctorCheck.Pass(Layer, server.Host, "as metadata", $"GET {fetchedFrom!.AbsolutePath} → JSON"));
            CheckServerMetadata(server, document.RootElement, report);
        }
    }

    /// <summary>
    /// The tunnel hosts the resource metadata names as authorization servers, found without reporting anything, so
    /// that layer (c) does not post MCP initialize to them. A challenge naming an unusable URL (layer [oauth] says why)
    /// falls back to the well-known URL on the host called; empty when that fails too.
    /// </summary>
    public async Task<IReadOnlySet<string>> AuthorizationServerHostsAsync(Uri url, CancellationToken cancellationToken)
    {
        var hosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var metadataUrl = await ChallengeAsync(url, url.Host, new DoctorReport(), cancellationToken) ?? DefaultMetadataUrl(url);
        using var metadata = await FetchJsonAsync(metadataUrl, cancellationToken);
        if (metadata.Document?.RootElement is { ValueKind: JsonValueKind.Object } prm
            && prm.TryGetProperty("authorization_servers", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in list.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String && Uri.TryCreate(item.GetString(), UriKind.Absolute, out var server) && IsTunnelHost(server.Host))
                {
                    hosts.Add(server.Host.ToLowerInvariant());
                }
            }
        }

        return hosts;
    }

    private async Task<Uri?> ChallengeAsync(Uri url, string subject, DoctorReport report, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(McpInitializeProbe.InitializeRequest, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            report.Add(DoctorCheck.Fail(Layer, subject, "401 challenge", $"POST {url} failed through the tunnel: {ex.GetBaseException().Message}", null, "Fix the layers above first; the URL must name a route under tunnel_domain"));
            return null;
        }

        using (response)
        {
            if (response.StatusCode != HttpStatusCode.Unauthorized)
            {
                report.Add(DoctorCheck.Fail(Layer, subject, "401 challenge", $"POST {url.AbsolutePath} without a token → {(int)response.StatusCode}, not 401: the server does not ask for OAuth", null, "Make the server answer requests without a token with 401 and WWW-Authenticate: Bearer resource_metadata=\"…\" (the MCP SDKs' bearer-auth middleware does)"));
                return null;
            }

            var challenge = response.Headers.NonValidated.TryGetValues("WWW-Authenticate", out var values) ? string.Join(", ", values) : "";
            var match = ResourceMetadataParameter().Match(challenge);
            if (!match.Success || !Uri.TryCreate(match.Groups[1].Value, UriKind.Absolute, out var metadataUrl))
            {
                var fallback = DefaultMetadataUrl(url);
                report.Add(DoctorCheck.Warn(Layer, subject, "401 challenge", $"401 without resource_metadata in WWW-Authenticate (\"{challenge}\"); trying {fallback.AbsolutePath}", "Name the metadata URL in the challenge: WWW-Authenticate: Bearer resource_metadata=\"https://…/.well-known/oauth-protected-resource…\""));
                return fallback;
            }

            if (Problem(metadataUrl, mustBeTunnelHost: true) is { } problem)
            {
                report.Add(DoctorCheck.Fail(Layer, subject, "401 challenge", $"resource_metadata {metadataUrl} {problem}: Claude cannot fetch it", null, $"Advertise https://{url.Authority}/.well-known/oauth-protected-resource{url.AbsolutePath}: {WaysOut}"));
                return null;
            }

            report.Add(DoctorCheck.Pass(Layer, subject, "401 challenge", $"401, resource_metadata {metadataUrl}"));
            return metadataUrl;
        }
    }

    private void CheckResource(Uri url, JsonElement prm, string subject, DoctorReport report)
    {
        var text = StringProperty(prm, "resource");
        if (text is null || !Uri.TryCreate(text, UriKind.Absolute, out var resource))
        {
            report.Add(DoctorCheck.Fail(Layer, subject, "resource", $"the metadata has no absolute resource URL ({text ?? "missing"})", null, $"Set resource to {url}"));
            return;
        }

        var problem = Problem(resource, mustBeTunnelHost: false)
            ?? (!SameResource(resource, url) ? $"is not the URL Claude calls ({url})" : null);
        if (problem is not null)
        {
            report.Add(DoctorCheck.Fail(Layer, subject, "resource", $"resource {text} {problem}; the client refuses the metadata", null, $"Advertise resource {url}: {WaysOut}"));
            return;
        }

        report.Add(DoctorCheck.Pass(Layer, subject, "resource", $"{text} (https, the URL called)"));
    }

    private Uri? AuthorizationServer(JsonElement prm, string subject, DoctorReport report)
    {
        var first = prm.TryGetProperty("authorization_servers", out var list) && list.ValueKind == JsonValueKind.Array && list.GetArrayLength() > 0
            ? list[0].ValueKind == JsonValueKind.String ? list[0].GetString() : null
            : null;
        if (first is null || !Uri.TryCreate(first, UriKind.Absolute, out var server))
        {
            report.Add(DoctorCheck.Fail(Layer, subject, "authorization_servers", $"the metadata names no authorization server ({first ?? "missing"})", null, $"List the authorization server's tunnel URL, e.g. \"authorization_servers\": [\"https://auth.{tunnelDomain}\"]"));
            return null;
        }

        if (Problem(server, mustBeTunnelHost: true) is { } problem)
        {
            report.Add(DoctorCheck.Fail(Layer, subject, "authorization_servers", $"{first} {problem}: Claude's backend reaches a private authorization server only through the tunnel", null, $"Add a route for the authorization server (auth: http://<its private address>) and advertise its tunnel URL https://auth.{tunnelDomain} as issuer and in authorization_servers"));
            return null;
        }

        report.Add(DoctorCheck.Pass(Layer, subject, "authorization_servers", $"{first} (a tunnel host)"));
        return server;
    }

    private void CheckServerMetadata(Uri server, JsonElement metadata, DoctorReport report)
    {
        var subject = server.Host;
        var issuer = StringProperty(metadata, "issuer");
        report.Add(issuer is not null && string.Equals(issuer.TrimEnd('/'), server.OriginalString.TrimEnd('/'), StringComparison.Ordinal)
            ? DoctorCheck.Pass(Layer, subject, "issuer", $"{issuer} (the URL the metadata was fetched for)")
            : DoctorCheck.Fail(Layer, subject, "issuer", $"issuer {issuer ?? "missing"} is not {server.OriginalString}, the authorization server the resource names; the client refuses the metadata (RFC 8414 §3.3)", null, $"Set the authorization server's issuer to {server.OriginalString} (its tunnel URL), or name its issuer in authorization_servers"));

        foreach (var (field, required) in new[] { ("token_endpoint", true), ("registration_endpoint", false) })
        {
            var value = StringProperty(metadata, field);
            if (value is null)
            {
                report.Add(required
                    ? DoctorCheck.Fail(Layer, subject, field, "missing", null, $"Advertise {field} on the tunnel host, e.g. https://{server.Host}/token")
                    : DoctorCheck.Warn(Layer, subject, field, "missing: Claude cannot register itself (dynamic client registration)", "Enable dynamic client registration in the authorization server, or give Claude a pre-registered client id"));
                continue;
            }

            report.Add(Uri.TryCreate(value, UriKind.Absolute, out var endpoint) && Problem(endpoint, mustBeTunnelHost: true) is null
                ? DoctorCheck.Pass(Layer, subject, field, $"{value} (a tunnel host)")
                : DoctorCheck.Fail(Layer, subject, field, $"{value} {(endpoint is null ? "is not an absolute URL" : Problem(endpoint, mustBeTunnelHost: true))}: Claude's backend calls it, and reaches the server only through the tunnel", null, $"Advertise {field} on https://{server.Host}; a server behind the proxy builds it from X-Forwarded-Host/-Proto once told to trust them (docs/OAUTH.md)"));
        }

        var authorize = StringProperty(metadata, "authorization_endpoint");
        if (authorize is null || !Uri.TryCreate(authorize, UriKind.Absolute, out var authorizeUrl) || authorizeUrl.Scheme != Uri.UriSchemeHttps)
        {
            report.Add(DoctorCheck.Fail(Layer, subject, "authorization_endpoint", $"{authorize ?? "missing"} is not an https URL", null, "Advertise the login page's public https URL as authorization_endpoint"));
        }
        else if (IsTunnelHost(authorizeUrl.Host))
        {
            report.Add(DoctorCheck.Fail(Layer, subject, "authorization_endpoint", $"{authorize} is on the tunnel: the user's browser opens it, and browsers cannot reach {tunnelDomain}", null, "Advertise authorization_endpoint on a public host the browser reaches (the authorization server's existing public name); keep token and registration on the tunnel (docs/OAUTH.md)"));
        }
        else
        {
            report.Add(DoctorCheck.Pass(Layer, subject, "authorization_endpoint", $"{authorize} (public, not the tunnel)"));
        }

        var methods = metadata.TryGetProperty("code_challenge_methods_supported", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Where(m => m.ValueKind == JsonValueKind.String).Select(m => m.GetString()!).ToList()
            : null;
        report.Add(methods is not null && methods.Contains("S256", StringComparer.Ordinal)
            ? DoctorCheck.Pass(Layer, subject, "PKCE S256", "offered in code_challenge_methods_supported")
            : DoctorCheck.Fail(Layer, subject, "PKCE S256", methods is null ? "code_challenge_methods_supported is missing: MCP clients refuse a server that does not advertise PKCE" : $"code_challenge_methods_supported is [{string.Join(", ", methods)}], without S256", null, "Enable PKCE with the S256 method in the authorization server and list it in code_challenge_methods_supported"));
    }

    /// <summary>RFC 8414's well-known URL (inserted before the issuer's path), then OpenID discovery's (appended to it).</summary>
    private async Task<(FetchedJson? Metadata, Uri? From)> FetchServerMetadataAsync(Uri server, CancellationToken cancellationToken)
    {
        FetchedJson? last = null;
        foreach (var candidate in new[] { WellKnown(server, "oauth-authorization-server", insert: true), WellKnown(server, "openid-configuration", insert: false) })
        {
            last?.Dispose();
            last = await FetchJsonAsync(candidate, cancellationToken);
            if (last.Document is { } document && document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("issuer", out _))
            {
                return (last, candidate);
            }
        }

        return (last, null);
    }

    /// <summary>RFC 9728's well-known URL for a resource: <c>/.well-known/oauth-protected-resource</c> before its path.</summary>
    private static Uri DefaultMetadataUrl(Uri resource) =>
        new(resource, "/.well-known/oauth-protected-resource" + (resource.AbsolutePath == "/" ? "" : resource.AbsolutePath));

    private static Uri WellKnown(Uri server, string name, bool insert)
    {
        var path = server.AbsolutePath.TrimEnd('/');
        return new Uri(server, insert ? $"/.well-known/{name}{path}" : $"{path}/.well-known/{name}");
    }

    private async Task<FetchedJson> FetchJsonAsync(Uri url, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.GetAsync(url, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return new FetchedJson(null, $"→ {(int)response.StatusCode} {Truncate(body)}");
            }

            try
            {
                return new FetchedJson(JsonDocument.Parse(body), "");
            }
            catch (JsonException)
            {
                return new FetchedJson(null, $"→ {(int)response.StatusCode} but not JSON: {Truncate(body)}");
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new FetchedJson(null, $"failed through the tunnel: {ex.GetBaseException().Message}");
        }
    }

    /// <summary>Why Claude could not use <paramref name="url"/>, or null: not https, a private or loopback address, or (when it must be) not under tunnel_domain.</summary>
    private string? Problem(Uri url, bool mustBeTunnelHost)
    {
        if (url.Scheme != Uri.UriSchemeHttps)
        {
            return $"is {url.Scheme}, not https";
        }

        if (IPAddress.TryParse(url.Host.Trim('[', ']'), out _) || url.IsLoopback || !url.Host.Contains('.', StringComparison.Ordinal))
        {
            return "names a private address, not the tunnel's public name (a server that builds URLs from Host behind upstream.host_header: upstream does this)";
        }

        return mustBeTunnelHost && !IsTunnelHost(url.Host) ? $"is not a tunnel host (under {tunnelDomain})" : null;
    }

    private bool IsTunnelHost(string host)
    {
        host = host.TrimEnd('.');
        return tunnelDomain.Length > 0
            && (host.Equals(tunnelDomain, StringComparison.OrdinalIgnoreCase) || host.EndsWith("." + tunnelDomain, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Same origin, and the URL called is the resource or lies under it (RFC 9728 §3.3, as the MCP SDKs compare).</summary>
    private static bool SameResource(Uri resource, Uri called) =>
        string.Equals(resource.GetLeftPart(UriPartial.Authority), called.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase)
        && (called.AbsolutePath.TrimEnd('/') + "/").StartsWith(resource.AbsolutePath.TrimEnd('/') + "/", StringComparison.Ordinal);

    private static string? StringProperty(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Truncate(string body)
    {
        var line = body.ReplaceLineEndings(" ").Trim();
        return line.Length <= 120 ? line : line[..120] + "…";
    }

    [GeneratedRegex("resource_metadata\\s*=\\s*\"([^\"]+)\"", RegexOptions.IgnoreCase)]
    private static partial Regex ResourceMetadataParameter();

    private sealed record FetchedJson(JsonDocument? Document, string Problem) : IDisposable
    {
        public void Dispose() => Document?.Dispose();
    }
}
