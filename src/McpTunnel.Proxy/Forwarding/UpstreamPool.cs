using System.Security.Cryptography;
using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Egress;

namespace McpTunnel.Proxy.Forwarding;

/// <summary>
/// One upstream connection pool: a <see cref="SocketsHttpHandler"/> with the egress policy in its connect callback.
/// Configuration snapshots share it while nothing it was built from changes; a reload that changes the egress policy,
/// the upstream TLS trust or connect timeout, or takes an upstream away gets a new pool, and this one is disposed
/// (closing its connections) once the last snapshot holding it has no request in flight (docs/ARCHITECTURE.md
/// "Configuration reload"). The egress policy is checked only when a connection is dialled, so a connection opened
/// under an old <c>allowed_ips</c> must never serve a request made under a new one.
/// </summary>
internal sealed class UpstreamPool
{
    private int _references = 1;
    private IReadOnlySet<string> _upstreams;

    private UpstreamPool(string settingsKey, IReadOnlySet<string> upstreams, EgressPolicy egress, HttpMessageInvoker invoker)
    {
        SettingsKey = settingsKey;
        _upstreams = upstreams;
        Egress = egress;
        Invoker = invoker;
    }

    /// <summary>What the handler was built from (egress policy, trust, connect timeout), as one comparable string.</summary>
    public string SettingsKey { get; }

    public EgressPolicy Egress { get; }

    public HttpMessageInvoker Invoker { get; }

    /// <summary>True once the handler was disposed (the last holder let go).</summary>
    public bool IsDisposed => Volatile.Read(ref _references) == 0;

    public static UpstreamPool Create(ProxyConfig config, ILogger logger)
    {
        var egress = new EgressPolicy(config.Upstream);
        var invoker = new HttpMessageInvoker(UpstreamHandlerFactory.Create(config.Upstream, egress, logger), disposeHandler: true);
        return new UpstreamPool(SettingsKeyFor(config.Upstream), UpstreamsOf(config), egress, invoker);
    }

    /// <summary>
    /// <paramref name="previous"/> with a reference taken for the caller when it can serve <paramref name="config"/>
    /// unchanged (same settings, no upstream it may hold connections to taken away); otherwise a new pool. Called by
    /// one reload at a time.
    /// </summary>
    public static UpstreamPool ReuseOrCreate(UpstreamPool? previous, ProxyConfig config, ILogger logger)
    {
        var upstreams = UpstreamsOf(config);
        if (previous is not null
            && previous.SettingsKey == SettingsKeyFor(config.Upstream)
            && previous._upstreams.IsSubsetOf(upstreams)
            && previous.TryAddReference())
        {
            // Every upstream this pool ever served is still configured, so the new set is all it may hold from now on.
            previous._upstreams = upstreams;
            return previous;
        }

        return Create(config, logger);
    }

    /// <summary>Lets go of one reference; the last one disposes the handler and with it every pooled connection.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            Invoker.Dispose();
        }
    }

    private bool TryAddReference()
    {
        while (true)
        {
            var current = Volatile.Read(ref _references);
            if (current == 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _references, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    private static HashSet<string> UpstreamsOf(ProxyConfig config) =>
        [.. config.Routes.Select(r => r.Upstream.ToString())];

    private static string SettingsKeyFor(UpstreamSettings settings)
    {
        // The CA file's content, not only its path: a reload after the CA file was replaced must trust the new one.
        var caFile = "";
        if (settings.TlsCaFile is { } path)
        {
            try
            {
                caFile = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                caFile = "unreadable";
            }
        }

        return string.Join('|', settings.DisableIpValidation, string.Join(',', settings.AllowedIps), settings.TlsCaFile, caFile, settings.TlsIncludeSystemCas, settings.ConnectTimeout.Ticks);
    }
}
