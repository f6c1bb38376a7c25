namespace McpTunnel.Proxy.Forwarding;

/// <summary>
/// Where and how <see cref="HttpForwarder"/> sends one request. Built once per route (proxy) or per tunnel
/// route (edge), not per request.
/// </summary>
/// <param name="Prefix"><c>scheme://host:port</c>; the incoming path and query are appended unchanged.</param>
/// <param name="HostHeader">The Host to send; null keeps the incoming one (OQ5: MCP servers with DNS-rebinding protection and OAuth resource URLs see the public name).</param>
/// <param name="AddForwardedHeaders">Add <c>X-Forwarded-For/Host/Proto</c>.</param>
/// <param name="ResponseHeaderTimeout">How long to wait for the response headers (504 after that); the body may stream forever.</param>
/// <param name="Version">HTTP version to request from the next hop.</param>
/// <param name="VersionPolicy">Whether the next hop may answer with a lower version.</param>
internal sealed record ForwardTarget(
    string Prefix,
    string? HostHeader,
    bool AddForwardedHeaders,
    TimeSpan ResponseHeaderTimeout,
    Version Version,
    HttpVersionPolicy VersionPolicy);
