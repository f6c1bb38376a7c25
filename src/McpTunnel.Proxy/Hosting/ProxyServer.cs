using McpTunnel.Common.Net;
using System.Net;
using McpTunnel.Common;
using McpTunnel.Proxy.Audit;
using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Credentials;
using McpTunnel.Proxy.Egress;
using McpTunnel.Proxy.Forwarding;
using McpTunnel.Proxy.Listener;
using McpTunnel.Proxy.Logging;
using McpTunnel.Proxy.Observability;
using McpTunnel.Proxy.Policy;
using McpTunnel.Proxy.Routing;
using McpTunnel.Proxy.Tls;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace McpTunnel.Proxy.Hosting;

/// <summary>
/// The proxy as a running thing: one Kestrel server with two endpoints, the outer WebSocket listener on
/// <c>listen_addr</c> (HTTP/1.1) and the private tunnel endpoint (HTTP/1.1 + HTTP/2 inside TLS), plus the
/// certificate poller. Used by <c>mcp-proxy</c>, by <c>mcptunnel demo</c>, and by the tests.
/// </summary>
internal sealed class ProxyServer : IAsyncDisposable
{
    /// <summary>How long the host waits beyond shutdown_timeout before it cuts connections on its own.</summary>
    private static readonly TimeSpan HostShutdownBackstop = TimeSpan.FromSeconds(5);

    private readonly WebApplication _app;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private IdleMemoryTrimmer? _memoryTrimmer;
    private readonly TaskCompletionSource<int> _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _stopStarted;

    private readonly bool _watchConfig;
    private ConfigFileWatcher? _watcher;

    private ProxyServer(WebApplication app, RunningConfig running, CertificateStore certificates, TunnelAcceptor acceptor, ProxyRequestHandler handler, ILogger logger, TimeProvider time, ProxyObservability observability, ConfigReloader? reloader, bool watchConfig)
    {
        Reloader = reloader;
        _watchConfig = watchConfig;
        Observability = observability;
        _app = app;
        _time = time;
        Running = running;
        Certificates = certificates;
        Tunnels = acceptor;
        Requests = handler;
        _logger = logger;
    }

    /// <summary>The configuration snapshot requests run on (docs/ARCHITECTURE.md "Configuration reload").</summary>
    public RunningConfig Running { get; }

    /// <summary>Reloads the config file; null when the config did not come from a file.</summary>
    public ConfigReloader? Reloader { get; }

    /// <summary>The running configuration.</summary>
    public ProxyConfig Config => Running.Current.Config;

    public CertificateStore Certificates { get; }

    public TunnelAcceptor Tunnels { get; }

    public ProxyRequestHandler Requests { get; }

    public RouteTable Routes => Running.Current.Routes;

    public EgressPolicy Egress => Running.Current.Egress;

    /// <summary>The audit log (<c>audit:</c>); null when the config has none.</summary>
    public AuditSwitch? Audit { get; private init; }

    /// <summary>Re-reads the running configuration's credential files (<c>upstream.credentials</c>) while the proxy runs.</summary>
    public required CredentialRefresher Credentials { get; init; }

    /// <summary>Metrics, admin listener and traces (each only when configured).</summary>
    public ProxyObservability Observability { get; }

    /// <summary>The outer listener's actual address once started (port 0 resolved), e.g. <c>http://127.0.0.1:43121</c>.</summary>
    public Uri ListenUri { get; private set; } = new("http://localhost/");

    public ILogger Logger => _logger;

    /// <summary>Builds the server; throws <see cref="CertificateLoadException"/> when the certificate cannot be used.</summary>
    /// <param name="configHash">The file's <see cref="ConfigHash"/> when the config was loaded from one (exported as <c>mcptunnel_config_info</c>).</param>
    public static ProxyServer Create(ProxyConfig config, ProxyServerOptions? options = null, string? configHash = null)
    {
        options ??= new ProxyServerOptions();

        // Only LF-terminated header lines are a request-smuggling risk behind other proxies; refuse them.
        AppContext.SetSwitch("Microsoft.AspNetCore.Server.Kestrel.DisableHttp1LineFeedTerminators", true);

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        var logLevel = new LogLevelSwitch(config.LogLevel);
        ConfigureLogging(builder.Logging, config, options, logLevel);
        if (!options.HandleStopSignals)
        {
            builder.Services.AddSingleton<IHostLifetime, NoSignalLifetime>();
        }

        // The drain deadline is StopAsync's own (it counts what it cuts); the host's is only a backstop behind it.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = config.ShutdownTimeout + HostShutdownBackstop);

        TunnelAcceptor? acceptor = null; // created once the logger exists; used only after the server starts
        var endPoint = new TunnelEndPoint();
        var listener = new TunnelConnectionListener(endPoint);
        builder.Services.AddSingleton<IConnectionListenerFactory>(new TunnelConnectionListenerFactory(listener));

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null; // bodies stream through; no size cap
            kestrel.RequestHeaderEncodingSelector = name => StrictContentLengthEncoding.Select(name) ?? ConnectionHeaderEncoding.Select(name);
            kestrel.Limits.KeepAliveTimeout = config.Limits.IdleTimeout;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(30);
            kestrel.Limits.Http2.KeepAlivePingDelay = TimeSpan.FromSeconds(30);
            kestrel.Limits.Http2.KeepAlivePingTimeout = TimeSpan.FromSeconds(60);
            // The outer endpoint: WebSocket upgrades are taken straight off the connection by the acceptor's
            // middleware; everything else continues to Kestrel's HTTP/1.1 and gets the 426 page.
            kestrel.ListenHttp1(config.ListenAddress, outer => outer.Use(next => connection => acceptor!.OnConnectionAsync(connection, next)));
            kestrel.Listen(endPoint, o => o.Protocols = HttpProtocols.Http1AndHttp2);
        });

        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(ProxyLog.Category);
        var certificates = CertificateStore.Load(config.Tls, logger, options.TimeProvider);
        var running = new RunningConfig(new ConfigSnapshot(config, new ConfigSource(configHash, options.TimeProvider.GetUtcNow()), UpstreamPool.Create(config, logger), options.TimeProvider));
        var environment = options.TelemetryEnvironment ?? ProxyTracing.ProcessEnvironment();
        var proxyName = ProgramVersion.Describe("mcp-proxy", typeof(ProxyServer).Assembly);
        var audit = config.Audit is { } auditSettings
            ? new AuditSwitch(auditSettings, options.ConfigSha256, (settings, sha) => new AuditLog(settings, proxyName, sha, options.TimeProvider, logger, environment, options.AuditStdout))
            : null;
        var credentials = new CredentialRefresher(() => running.Current.Routes.Routes.Select(r => r.Credential).OfType<UpstreamCredential>(), logger, options.TimeProvider);
        var observability = ProxyObservability.Create(config, certificates, app.Services.GetService<System.Diagnostics.Metrics.IMeterFactory>(), options.TimeProvider, environment, app.Lifetime.ApplicationStopping, audit);
        observability.Metrics?.ObserveCredentials(credentials, config.Routes.Where(r => r.Credential is not null).Select(r => r.Key));
        // The stage exists always, since a reload may add a policy, but the handler enters it only for a route that has
        // one: routes without a policy go straight to the forwarder as before.
        var limiters = new PolicyLimiters(options.TimeProvider);
        var policy = new McpPolicyStage(limiters, logger, observability.Metrics is { } metrics ? metrics.PolicyRefused : null,
            audit is null ? null : () => audit.Arguments);
        var reloadMetrics = observability.Metrics is { } registry ? new ConfigReloadMetrics(registry.Registry) : null;
        reloadMetrics?.Loaded(configHash, running.Current.Source.LoadedAt, reloaded: false);
        var reloader = options.ConfigPath is { } path
            ? new ConfigReloader(running, path, options.TunnelDomainOverride, logger, options.TimeProvider, limiters, logLevel, reloadMetrics, audit, app.Lifetime.ApplicationStopping)
            : null;
        var handler = new ProxyRequestHandler(running, logger, app.Lifetime.ApplicationStopping, observability.Requests, policy);
        acceptor = new TunnelAcceptor(certificates, listener, config.Limits, logger, options.TimeProvider, observability.Metrics);

        // Connections from the tunnel endpoint carry TunnelConnectionFeature; everything else is the outer listener.
        app.UseWhen(
            context => context.Features.Get<TunnelConnectionFeature>() is null,
            outer => outer.Run(acceptor.RejectNonWebSocketAsync));
        app.Run(handler.InvokeAsync);

        app.Lifetime.ApplicationStopping.Register(() => ProxyLog.ShuttingDown(logger, Common.GoDuration.Format(config.ShutdownTimeout), handler.InFlight));
        app.Lifetime.ApplicationStopped.Register(certificates.Dispose);
        app.Lifetime.ApplicationStopped.Register(credentials.Dispose);
        return new ProxyServer(app, running, certificates, acceptor, handler, logger, options.TimeProvider, observability, reloader, options.WatchConfig) { Audit = audit, Credentials = credentials };
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        foreach (var route in Routes.Routes)
        {
            ProxyLog.RouteConfigured(_logger, route.Key, route.Upstream.ToString(), Routes.PublicHostName(route));
            if (route.Credential is { } credential)
            {
                var settings = credential.Settings;
                ProxyLog.CredentialConfigured(_logger, route.Key, settings.Header, settings.ValueFile, credential.Value.Length, settings.CallerAuthorization.ToString().ToLowerInvariant());
            }
        }

        // An upstream IP validation refuses can never work: say so now rather than on every request.
        foreach (var warning in UnreachableUpstreams.Warnings(Config.Routes, Egress))
        {
            ProxyLog.ConfigWarning(_logger, warning);
        }

        Audit?.Start(); // the anchor record is written before the first request can be
        await Observability.StartAsync(cancellationToken);
        await _app.StartAsync(cancellationToken);
        Observability.Readiness.MarkListening();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            .FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal));
        if (address is not null)
        {
            ListenUri = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
        }

        Certificates.StartPolling();
        Credentials.Start(); // polls only the running configuration's credentials; none: a cheap no-op every 5 s
        _memoryTrimmer = IdleMemoryTrimmer.Start(_time);
        if (_watchConfig && Reloader is not null && Running.Current.Source.Hash is not null)
        {
            _watcher = new ConfigFileWatcher(Reloader.Path, Reloader, _time);
        }

        var egress = Egress.ValidationDisabled ? "disabled" : string.Join(",", Egress.AllowedNetworks);
        ProxyLog.Listening(_logger, Config.ListenAddress.ToString(), typeof(ProxyServer).Assembly.GetName().Version?.ToString(3) ?? "", egress);
    }

    /// <summary>
    /// Graceful stop: stop accepting, let in-flight requests finish for up to shutdown_timeout, then cut the rest.
    /// Returns how many requests were cut (0 after a clean drain), which is also what "shutdown complete" logs.
    /// The requests still in flight are counted at the deadline, before anything is cut: counted afterwards, the
    /// cut requests have already ended and the count would always be 0.
    /// </summary>
    public async Task<int> StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopStarted, 1) == 1)
        {
            return await _stopped.Task;
        }

        _app.Lifetime.StopApplication(); // from here on new requests get 503 and reloads are refused (idempotent)
        _watcher?.Dispose();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var stopping = _app.StopAsync(deadline.Token);
        using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var cut = 0;
        if (await Task.WhenAny(stopping, Task.Delay(Config.ShutdownTimeout, _time, grace.Token)) != stopping)
        {
            cut = Requests.InFlight;
            await deadline.CancelAsync();
        }

        await grace.CancelAsync();
        await stopping;
        if (Audit is not null)
        {
            await Audit.DisposeAsync(); // every request has ended: what is queued is written and synced
        }

        await Observability.StopAsync();
        _memoryTrimmer?.Dispose();
        ProxyLog.ShutdownComplete(_logger, cut);
        _stopped.TrySetResult(cut);
        return cut;
    }

    /// <summary>Completes when the process was asked to stop (SIGTERM/SIGINT, or <see cref="StopAsync"/>).</summary>
    public Task StopRequestedAsync()
    {
        var requested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _app.Lifetime.ApplicationStopping.Register(static state => ((TaskCompletionSource)state!).TrySetResult(), requested);
        return requested.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _watcher?.Dispose();
        await _app.DisposeAsync();
        if (Audit is not null)
        {
            await Audit.DisposeAsync();
        }

        await Observability.DisposeAsync();
        Running.Retire();
    }

    /// <summary>Reloads the config file now (what SIGHUP does); null when the config did not come from a file.</summary>
    public ConfigReloadOutcome? ReloadConfig(string trigger = "request") => Reloader?.Reload(trigger);

    private static void ConfigureLogging(ILoggingBuilder logging, ProxyConfig config, ProxyServerOptions options, LogLevelSwitch logLevel)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(LogLevelSwitch.ToLogLevel(config.LogLevel));

        // The proxy's own lines follow log_level as reloaded; everything else keeps the level it started with.
        logging.AddFilter(ProxyLog.Category, logLevel.IsEnabled);

        // Framework chatter stays out of the operator's log unless it is a problem.
        logging.AddFilter("Microsoft", LogLevel.Warning);

        // Kestrel warns at bind time that HTTP/2 "requires TLS" on the tunnel endpoint: it cannot see that TLS is
        // terminated before connections reach it, and h2 is negotiated by ALPN as usual (tests prove it).
        logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel", LogLevel.Error);

        // ASP.NET Core hosting starts an Activity and a logging scope for every request whenever this category is
        // enabled at any level (it checks Critical), even though it only ever logs "Request starting/finished" at
        // Information. The profile showed one Activity, an ExecutionContext and AsyncLocal maps per request for a log
        // line that is never written; request failures are still logged by Kestrel's category and by ours.
        logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        if (options.LogToConsole)
        {
            var formatter = new LogLineFormatter(config.LogFormat, options.TimeProvider);
            logging.AddConsole(o => o.FormatterName = formatter.Name);
            logging.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ConsoleFormatter>(formatter));
        }

        options.ConfigureLogging?.Invoke(logging);
    }

    /// <summary>A host lifetime that ignores process signals: the embedding program decides when to stop.</summary>
    private sealed class NoSignalLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
