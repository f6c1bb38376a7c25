namespace McpTunnel.Bench;

/// <summary>
/// One path to the upstream: (a) <c>direct</c>, (b) <c>nginx</c>, (c) <c>tunnel</c>, at one HTTP version.
/// Every target is driven by the same client code (<see cref="SocketsHttpHandler"/>), so only the path differs.
/// </summary>
internal sealed class BenchTarget(string kind, Version version, Uri baseUri, Func<SocketsHttpHandler> createHandler, Func<TimeSpan>? serverCpu = null)
{
    public string Kind { get; } = kind;

    public Version Version { get; } = version;

    public Uri BaseUri { get; } = baseUri;

    /// <summary>
    /// CPU time the server under test (nginx, or the mcp-proxy process) has used so far, read before and after a
    /// measurement; null when that server runs inside this process and its CPU cannot be told apart.
    /// </summary>
    public Func<TimeSpan>? ServerCpu { get; } = serverCpu;

    public string Name => $"{Kind} h{(Version.Major == 2 ? "2" : "1.1")}";

    /// <summary>
    /// A fresh client (fresh connection pool). Connections are capped, as wrk2 fixes them: an open-loop burst then
    /// queues (and is charged for it) instead of opening new TLS connections or tunnels mid-measurement.
    /// </summary>
    public HttpMessageInvoker CreateInvoker(int maxConnections = int.MaxValue)
    {
        var handler = createHandler();
        handler.MaxConnectionsPerServer = maxConnections;
        return new HttpMessageInvoker(handler, disposeHandler: true);
    }

    public HttpRequestMessage Get(string pathAndQuery) => new(HttpMethod.Get, new Uri(BaseUri, pathAndQuery))
    {
        Version = Version,
        VersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };
}
