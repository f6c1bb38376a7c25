namespace McpTunnel.Proxy.Routing;

/// <summary>
/// Where and how <c>Forwarding/HttpForwarder</c> sends one request. Built once per route (proxy, on <see cref="Route"/>) or per tunnel
/// route (edge), not per request.
/// </summary>
/// <param name="prefix"><c>scheme://host:port</c>; the incoming path and query are appended unchanged.</param>
/// <param name="hostHeader">The Host to send; null keeps the incoming one (so MCP servers with DNS-rebinding protection and OAuth resource URLs see the public name).</param>
/// <param name="addForwardedHeaders">Add <c>X-Forwarded-For/Host/Proto</c>.</param>
/// <param name="responseHeaderTimeout">How long to wait for the response headers (504 after that); the body may stream forever.</param>
/// <param name="version">HTTP version to request from the next hop.</param>
/// <param name="versionPolicy">Whether the next hop may answer with a lower version.</param>
/// <param name="credential">The route's upstream credential, set on every request; null (the edge, and routes without one) adds nothing.</param>
internal sealed class ForwardTarget(
    string prefix,
    string? hostHeader,
    bool addForwardedHeaders,
    TimeSpan responseHeaderTimeout,
    Version version,
    HttpVersionPolicy versionPolicy,
    Credentials.UpstreamCredential? credential = null)
{
    private static readonly UriCreationOptions RawPathAndQuery = new() { DangerousDisablePathAndQueryCanonicalization = true };

    private Destination? _last;

    public string Prefix { get; } = prefix;

    public string? HostHeader { get; } = hostHeader;

    public bool AddForwardedHeaders { get; } = addForwardedHeaders;

    public TimeSpan ResponseHeaderTimeout { get; } = responseHeaderTimeout;

    public Version Version { get; } = version;

    public HttpVersionPolicy VersionPolicy { get; } = versionPolicy;

    public Credentials.UpstreamCredential? Credential { get; } = credential;

    /// <summary>
    /// The upstream URI for one request's path and query. An MCP client posts every request to the same endpoint
    /// (<c>/mcp</c>), so the last URI is reused instead of parsed again: parsing it was ~2% of the proxy's CPU per
    /// request (perf, docs/PERFORMANCE.md). <see cref="Uri"/> is immutable, so sharing it across requests is safe; the
    /// swap is a single reference write, so concurrent requests at worst parse once more.
    /// </summary>
    public Uri DestinationFor(string pathAndQuery)
    {
        var last = Volatile.Read(ref _last);
        if (last is not null && string.Equals(last.PathAndQuery, pathAndQuery, StringComparison.Ordinal))
        {
            return last.Uri;
        }

        // Without canonicalization the path and query go out exactly as given: no dot segments removed, no
        // backslash turned into a slash, no escape re-encoded (RequestTarget explains why that matters).
        var uri = new Uri(Prefix + pathAndQuery, RawPathAndQuery);
        Volatile.Write(ref _last, new Destination(pathAndQuery, uri));
        return uri;
    }

    private sealed record Destination(string PathAndQuery, Uri Uri);
}
