using System.Diagnostics;
using McpTunnel.Proxy.Configuration.Sections;
using McpTunnel.Proxy.Listener;
using McpTunnel.Proxy.Logging;
using McpTunnel.Proxy.Policy;
using McpTunnel.Proxy.Routing;
using Microsoft.Extensions.Logging;
using Route = McpTunnel.Proxy.Routing.Route;

namespace McpTunnel.Proxy.Forwarding;

/// <summary>
/// The inner HTTP application: every request that arrives inside a tunnel.
/// <code>
///   (0) CONNECT or malformed? ─▶ 501 / 400, nothing forwarded
///   (1) shutting down? ─▶ 503        (2) route by Host ─▶ none? log "no route for host", 502
///   (3) SNI names another route? ─▶ 421      (4) log "request started"; the per-request record begins (when kept)
///   (4b) the route's MCP policy and limits (Policy/McpPolicyStage) ─▶ refused: answered there, nothing forwarded
///   (5) forward      (6) map the outcome; the record ends
/// </code>
/// </summary>
internal sealed class ProxyRequestHandler
{
    private readonly RunningConfig _config;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;
    private readonly IRequestTelemetry? _telemetry;
    private const int ClientClosedRequest = 499;

    private int _inFlight;

    private readonly McpPolicyStage? _policy;

    public ProxyRequestHandler(RunningConfig config, ILogger logger, CancellationToken stopping, IRequestTelemetry? telemetry = null, McpPolicyStage? policy = null)
    {
        _policy = policy;
        _telemetry = telemetry;
        _config = config;
        _logger = logger;
        _stopping = stopping;
    }

    /// <summary>Requests being forwarded right now (shutdown reports what it had to cut).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    public Task InvokeAsync(HttpContext context)
    {
        // The one read of the configuration: this request keeps this snapshot (routes, their targets and policy, the
        // egress policy and upstream pool) to its end, whatever a reload swaps in meanwhile.
        var snapshot = _config.Acquire();
        var handled = InvokeAsync(context, snapshot);
        if (handled.IsCompletedSuccessfully)
        {
            snapshot.Release();
            return handled;
        }

        return ReleaseWhenDoneAsync(handled, snapshot);
    }

    private static async Task ReleaseWhenDoneAsync(Task handled, ConfigSnapshot snapshot)
    {
        try
        {
            await handled;
        }
        finally
        {
            snapshot.Release();
        }
    }

    private async Task InvokeAsync(HttpContext context, ConfigSnapshot snapshot)
    {
        var routes = snapshot.Routes;
        var host = context.Request.Host.Value ?? "";

        // Step 0
        if (InnerRequestRules.Check(context) is { } refused)
        {
            ProxyLog.RequestRefused(_logger, context.Request.Method, host, refused.Reason);
            _telemetry?.Refused(context, refused.Error);
            await ForwarderErrorMapper.WriteAsync(context, refused.Error);
            return;
        }

        // Step 1
        if (_stopping.IsCancellationRequested)
        {
            ProxyLog.RejectedShuttingDown(_logger, host);
            _telemetry?.Refused(context, ForwarderError.ShuttingDown);
            await ForwarderErrorMapper.WriteAsync(context, ForwarderError.ShuttingDown);
            return;
        }

        // Step 2
        var match = routes.Match(host);
        if (match.Route is not { } route)
        {
            ProxyLog.NoRouteForHost(_logger, host, routes.TunnelDomain);
            _telemetry?.Refused(context, ForwarderError.NoRoute);
            await ForwarderErrorMapper.WriteAsync(context, ForwarderError.NoRoute);
            return;
        }

        // Step 3: no domain fronting across routes on one TLS session.
        var tunnel = context.Features.Get<TunnelConnectionFeature>();
        if (tunnel is { ServerName.Length: > 0 } && !ReferenceEquals(routes.Match(tunnel.ServerName).Route, route))
        {
            ProxyLog.MisdirectedRequest(_logger, tunnel.ServerName, host);
            _telemetry?.Refused(context, ForwarderError.MisdirectedRequest);
            await ForwarderErrorMapper.WriteAsync(context, ForwarderError.MisdirectedRequest);
            return;
        }

        // Step 4: never the query string, headers or body (they may carry secrets).
        ProxyLog.RequestStarted(_logger, route.Key, context.Request.Method, context.Request.Path.Value ?? "/", host, context.Request.Protocol);

        // The per-request record starts here, before the policy, so that what the policy answers is counted and traced
        // too; on a policy route the policy's read of the body fills it (the body is read once).
        var policy = _policy is not null ? route.Policy : null;
        var observation = _telemetry?.Begin(context, route.Key, bodyReadByPolicy: policy is not null, tunnel?.OuterRemoteAddress);
        var started = Stopwatch.GetTimestamp();

        // Step 4b: the route's MCP policy, when it has one; a refused request was answered and is not forwarded.
        PolicyAdmission? admission = null;
        if (policy is not null)
        {
            admission = await _policy!.AdmitAsync(context, policy);
            observation?.Decided(admission, context.Response);

            if (!admission.Forward)
            {
                var answered = context.RequestAborted.IsCancellationRequested ? ClientClosedRequest : context.Response.StatusCode;
                var answeredIn = Stopwatch.GetElapsedTime(started);
                observation?.End(answered, answered == ClientClosedRequest ? ForwarderError.ClientAborted : ForwarderError.None, answeredIn);

                ProxyLog.RequestFinished(_logger, route.Key, answered, answeredIn.TotalMilliseconds);
                return;
            }
        }

        // Step 5
        Interlocked.Increment(ref _inFlight);
        ForwardResult result;
        try
        {
            result = await snapshot.Forwarder.ForwardAsync(context, route.Target, tunnel?.OuterRemoteAddress, admission?.ResponseFilter, observation?.Bytes);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            admission?.Dispose();
        }

        // Step 6
        switch (result.Error)
        {
            case ForwarderError.None:
                break;
            case ForwarderError.ClientAborted:
                ProxyLog.ClientAborted(_logger, route.Key, result.Exception?.GetBaseException().Message ?? "");
                break;
            case ForwarderError.RequestBodyInvalid or ForwarderError.RequestBodyTimeout:
                ProxyLog.RequestBodyRejected(_logger, route.Key, ForwarderErrorMapper.Map(result.Error).Status, result.Exception?.Message ?? "");
                break;
            case ForwarderError.UpstreamResponseAborted:
                ProxyLog.UpstreamResponseAborted(_logger, route.Key, result.Exception?.GetBaseException().Message ?? "");
                break;
            case ForwarderError.EgressDenied:
                break; // logged at the decision: "IP validation failed: …"
            case ForwarderError.UpstreamResponseTimeout:
                LogResponseTimeout(route);
                break;
            default:
                ProxyLog.UpstreamRequestFailed(_logger, route.Key, route.Upstream.ToString(), result.Error.ToString(), result.Exception is null ? "" : McpTunnel.Proxy.Tls.TlsFailureReason.Flatten(result.Exception));
                break;
        }

        await ForwarderErrorMapper.WriteAsync(context, result.Error);

        // An abandoned request was aborted, not answered: 499 is nginx's word for it, where operators will look.
        var status = result.Error == ForwarderError.ClientAborted ? ClientClosedRequest : context.Response.StatusCode;
        var elapsed = Stopwatch.GetElapsedTime(started);
        observation?.End(status, result.Error, elapsed);

        ProxyLog.RequestFinished(_logger, route.Key, status, elapsed.TotalMilliseconds);
    }

    /// <summary>
    /// A limit of ours cut a request the upstream may still have answered, so the line says which limit, which
    /// setting holds it, and how to raise it for this route alone.
    /// </summary>
    private void LogResponseTimeout(Route route)
    {
        var limit = McpTunnel.Common.GoDuration.Format(route.Target.ResponseHeaderTimeout);
        var perRoute = $"{ResponseHeaderTimeoutSection.ByRoute}.{route.Key}";
        var setting = route.Definition.ResponseHeaderTimeout is null ? ResponseHeaderTimeoutSection.Scalar : perRoute;
        var fix = $"the upstream sent no response headers within {limit} of the request; raise {perRoute} (a Go duration such as 10m, or 0s for no limit) and reload the proxy (SIGHUP)";
        ProxyLog.UpstreamResponseTimedOut(_logger, route.Key, route.Upstream.ToString(), nameof(ForwarderError.UpstreamResponseTimeout), limit, setting, fix);
    }
}
