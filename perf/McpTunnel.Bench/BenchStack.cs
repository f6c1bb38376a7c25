using System.Net.Sockets;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using McpTunnel.Pki.Issuing;
using McpTunnel.TunnelClient;

namespace McpTunnel.Bench;

/// <summary>
/// Everything one run measures against, on loopback: a throwaway CA and server certificate, the upstream, nginx
/// (when installed) with the same certificate, and mcp-proxy routing <c>echo.bench.localhost</c> to the upstream.
/// </summary>
internal sealed class BenchStack : IAsyncDisposable
{
    public const string TunnelDomain = "bench.localhost";
    public const string RouteHost = "echo." + TunnelDomain;

    private BenchStack(string directory, CertificateAuthority ca, BenchUpstream upstream, ProxyHost proxy, NginxPeer? nginx, IReadOnlyList<(ProxyVariant Variant, ProxyHost Host)> variants)
    {
        Directory = directory;
        Ca = ca;
        Upstream = upstream;
        Proxy = proxy;
        Variants = variants;
        Nginx = nginx;
        Validator = new TunnelServerValidator([X509CertificateLoader.LoadCertificate(ca.Certificate.RawData)]);
    }

    public string Directory { get; }

    public CertificateAuthority Ca { get; }

    public BenchUpstream Upstream { get; }

    public ProxyHost Proxy { get; }

    /// <summary>The proxies of <see cref="BenchOptions.Variants"/>, each measured as target <c>tunnel+NAME</c>.</summary>
    public IReadOnlyList<(ProxyVariant Variant, ProxyHost Host)> Variants { get; }

    public NginxPeer? Nginx { get; }

    public TunnelServerValidator Validator { get; }

    public static async Task<BenchStack> StartAsync(BenchOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("mcptunnel-bench-").FullName;
        var ca = CertificateAuthority.Create();
        var (certFile, keyFile) = WriteServerCertificate(ca, directory, KeyAlgorithm.EcdsaP256);
        var upstream = await BenchUpstream.StartAsync(cancellationToken);
        if (options.ProxyEnvironment.Count > 0)
        {
            await log.WriteLineAsync(options.ProxyOutOfProcess
                ? $"mcp-proxy environment: {DescribeEnvironment(options.ProxyEnvironment)}"
                : "--proxy-env ignored: mcp-proxy runs inside this process (--in-process, or --smoke without mcp-proxy.dll).");
        }

        var proxy = await ProxyHost.StartAsync(ProxyConfigYaml(certFile, keyFile, upstream.Port, maxTunnels: 10_000), directory, options, cancellationToken);
        var variants = new List<(ProxyVariant, ProxyHost)>();
        foreach (var variant in options.Variants)
        {
            var config = variant.ConfigFragment + ProxyConfigYaml(certFile, keyFile, upstream.Port, maxTunnels: 10_000);
            variants.Add((variant, await ProxyHost.StartAsync(config, directory, options, cancellationToken, variant.Binary)));
            await log.WriteLineAsync($"variant {variant.Kind}: {variant.Description}");
        }

        NginxPeer? nginx = null;
        if (options.UseNginx && NginxPeer.FindBinary() is { } binary)
        {
            nginx = await NginxPeer.StartAsync(binary, directory, certFile, keyFile, upstream.Port, cancellationToken);
        }
        else
        {
            await log.WriteLineAsync(options.UseNginx
                ? "nginx is not installed: the nginx target (b) is skipped (scripts/bench/run.sh installs it)."
                : "nginx target (b) disabled by --no-nginx.");
        }

        return new BenchStack(directory, ca, upstream, proxy, nginx, variants);
    }

    /// <summary>
    /// The proxy config the bench uses (listen_addr is added by <see cref="ProxyHost"/>). Logging at warn: nginx runs with
    /// access_log off; the start part asks for info, to see the <c>listening</c> line.
    /// </summary>
    public static string ProxyConfigYaml(string certFile, string keyFile, int upstreamPort, int maxTunnels, string logLevel = "warn") => $"""
        log_level: {logLevel}
        tunnel_domain: {TunnelDomain}
        tls:
          cert_file: {certFile}
          key_file: {keyFile}
        routes:
          echo: http://127.0.0.1:{upstreamPort}
        upstream:
          allowed_ips:
            - 127.0.0.0/8
        limits:
          max_tunnels: {maxTunnels}
        """;

    /// <summary><c>NAME=VALUE NAME=VALUE</c>, as given to <c>--proxy-env</c>: for the log and the report header.</summary>
    public static string DescribeEnvironment(IEnumerable<KeyValuePair<string, string>> variables) =>
        string.Join(' ', variables.Select(v => $"{v.Key}={v.Value}"));

    public static (string CertFile, string KeyFile) WriteServerCertificate(CertificateAuthority ca, string directory, KeyAlgorithm algorithm)
    {
        var (certFile, keyFile) = ca.WriteServerCertificate(directory, TunnelDomain, algorithm, $"tls-{algorithm}");
        return (certFile, keyFile);
    }

    /// <summary>The targets for one HTTP version, in the order (a) direct, (b) nginx, (c) tunnel. Direct is always HTTP/1.1 (the upstream speaks no h2c).</summary>
    public IReadOnlyList<BenchTarget> Targets(Version version)
    {
        var targets = new List<BenchTarget>
        {
            // Nothing stands between client and upstream, so no server CPU is charged to direct.
            new("direct", HttpVersion.Version11, new Uri($"http://127.0.0.1:{Upstream.Port}/"), () => Handler(null), () => TimeSpan.Zero),
        };
        if (Nginx is { } nginx)
        {
            targets.Add(new("nginx", version, new Uri($"https://{RouteHost}:{nginx.Port}/"), () => Handler(async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(IPAddress.Loopback, nginx.Port, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            }), nginx.CpuTime));
        }

        var connector = new TunnelConnector(Proxy.WebSocketUri, Validator);
        // In process the proxy's CPU is this process's CPU, mixed with the client's and the upstream's: not separable.
        targets.Add(new("tunnel", version, new Uri($"https://{RouteHost}/"), connector.CreateHttpHandler, Proxy.OutOfProcess ? Proxy.CpuTime : null));
        foreach (var (variant, host) in Variants)
        {
            var variantConnector = new TunnelConnector(host.WebSocketUri, Validator);
            targets.Add(new(variant.Kind, version, new Uri($"https://{RouteHost}/"), variantConnector.CreateHttpHandler, host.OutOfProcess ? host.CpuTime : null));
        }

        return targets;
    }

    private SocketsHttpHandler Handler(Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>>? connect)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ActivityHeadersPropagator = null,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            EnableMultipleHttp2Connections = true,
        };
        handler.SslOptions.RemoteCertificateValidationCallback = Validator.Validate;
        if (connect is not null)
        {
            handler.ConnectCallback = connect;
        }

        return handler;
    }

    public async ValueTask DisposeAsync()
    {
        if (Nginx is not null)
        {
            await Nginx.DisposeAsync();
        }

        await Proxy.DisposeAsync();
        foreach (var (_, host) in Variants)
        {
            await host.DisposeAsync();
        }

        await Upstream.DisposeAsync();
        Ca.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
