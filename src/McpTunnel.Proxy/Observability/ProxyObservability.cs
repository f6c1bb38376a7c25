using System.Diagnostics.Metrics;
using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Tls;
using OpenTelemetry.Trace;

namespace McpTunnel.Proxy.Observability;

/// <summary>
/// Everything a <see cref="Hosting.ProxyServer"/> has for being watched, built in one place: metrics and the admin
/// listener when <c>admin_addr</c> is set, traces when the <c>OTEL_*</c> variables ask for them, and the hooks the data
/// path calls (<see cref="Requests"/> for the request handler, <see cref="Metrics"/> for the tunnel acceptor). Both
/// hooks are null with a plain config, so the data path then pays a null check and nothing else; the request hook
/// exists also when only <c>audit:</c> is on (the audit log is fed from the same per-request record).
/// </summary>
internal sealed class ProxyObservability : IAsyncDisposable
{
    private readonly AdminServer? _admin;
    private readonly TracerProvider? _tracing;
    private readonly FrameworkMeters? _frameworkMeters;

    private ProxyObservability(ProxyMetrics? metrics, RequestTelemetry? requests, Readiness readiness, AdminServer? admin, TracerProvider? tracing, FrameworkMeters? frameworkMeters)
    {
        _frameworkMeters = frameworkMeters;
        Metrics = metrics;
        Requests = requests;
        Readiness = readiness;
        _admin = admin;
        _tracing = tracing;
    }

    public ProxyMetrics? Metrics { get; }

    public RequestTelemetry? Requests { get; }

    public Readiness Readiness { get; }

    /// <summary>The admin listener's address once started; null without <c>admin_addr</c>.</summary>
    public Uri? AdminUri => _admin?.Uri;

    /// <param name="serverMeters">The tunnel server's meter factory: Kestrel's meters from it (and no other server's) are exported.</param>
    /// <param name="records">The audit log, when <c>audit:</c> is configured: it gets every finished per-request record.</param>
    public static ProxyObservability Create(ProxyConfig config, CertificateStore certificates, IMeterFactory? serverMeters, TimeProvider time, IReadOnlyDictionary<string, string?> environment, CancellationToken draining, IRequestRecordSink? records = null)
    {
        var readiness = new Readiness(certificates, time, draining);
        var tracing = ProxyTracing.Start(environment);
        ProxyMetrics? metrics = null;
        AdminServer? admin = null;
        FrameworkMeters? frameworkMeters = null;
        if (config.AdminAddress is { } address)
        {
            metrics = new ProxyMetrics(certificates, time);
            admin = AdminServer.Create(address, new AdminEndpoints(readiness, metrics));
            // The process's CPU, memory and GC counts from prometheus-net's own collectors; Kestrel's connections and the
            // runtime's thread pool, contention and exception figures from their meters.
            Prometheus.DotNetStats.Register(metrics.Registry);
            frameworkMeters = new FrameworkMeters(metrics.Registry, serverMeters);
            if (records is not null)
            {
                metrics.ObserveAuditDrops(records);
            }
        }

        var requests = metrics is null && tracing is null && records is null ? null : new RequestTelemetry(metrics, tracing is not null, time, records);
        return new ProxyObservability(metrics, requests, readiness, admin, tracing, frameworkMeters);
    }

    /// <summary>Starts the admin listener (before the tunnel listener, so liveness answers while the proxy starts).</summary>
    public Task StartAsync(CancellationToken cancellationToken) => _admin?.StartAsync(cancellationToken) ?? Task.CompletedTask;

    /// <summary>After the tunnel server stopped: the admin listener goes last, and pending spans are flushed.</summary>
    public async Task StopAsync()
    {
        if (_admin is not null)
        {
            await _admin.StopAsync();
        }

        _tracing?.ForceFlush(5000);
    }

    public async ValueTask DisposeAsync()
    {
        _frameworkMeters?.Dispose();
        if (_admin is not null)
        {
            await _admin.DisposeAsync();
        }

        _tracing?.Dispose();
    }
}
