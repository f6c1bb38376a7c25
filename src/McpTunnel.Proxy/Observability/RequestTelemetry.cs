using System.Diagnostics;
using McpTunnel.Proxy.Forwarding;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace McpTunnel.Proxy.Observability;

/// <summary>
/// The request handler's one hook into metrics, traces and the audit trail (<see cref="IRequestTelemetry"/>): <see cref="Begin"/> once the request has a route (before
/// the MCP policy), <see cref="Decided"/> after the policy, <see cref="End"/> when it was answered. Exists only when
/// metrics (<c>admin_addr</c>) or tracing (<c>OTEL_*</c>) are on; otherwise the handler holds null and pays one null
/// check, and nothing of the request is read or held.
/// <code>
///   Begin:   on a route without a policy, a peek at the POST body as it streams (PeekingBodyReader) names the MCP
///            method and tool (on a policy route the policy's own read of the body does, in Decided: never twice);
///            Mcp-Method / Mcp-Name are kept only to be compared with it; session id → hash; span started as a child
///            of the caller's traceparent when it is valid (else a new trace, without the caller's tracestate), and the
///            traceparent the upstream gets names our span
///   Decided: the policy's verdict and what it read
///   End:     metrics by route, method, status class, MCP method, tool, header/body mismatch; span attributes
///            (the policy decision among them), status, end
/// </code>
/// </summary>
internal sealed class RequestTelemetry(ProxyMetrics? metrics, bool tracing, TimeProvider? time = null, IRequestRecordSink? records = null) : IRequestTelemetry
{
    /// <summary>Longest method or tool name a span carries; longer ones are cut (they come from the client).</summary>
    private const int MaxNameLength = 128;

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public ProxyMetrics? Metrics { get; } = metrics;

    /// <param name="bodyReadByPolicy">The route's policy will read the body whole: no peek is installed, <see cref="Decided"/> brings its facts.</param>
    IObservedRequest IRequestTelemetry.Begin(HttpContext context, string route, bool bodyReadByPolicy, System.Net.IPAddress? caller) =>
        Begin(context, route, bodyReadByPolicy, caller);

    /// <inheritdoc cref="IRequestTelemetry.Begin"/>
    public RequestObservation Begin(HttpContext context, string route, bool bodyReadByPolicy, System.Net.IPAddress? caller)
    {
        var request = context.Request;
        var headers = request.Headers;
        var isPost = HttpMethods.IsPost(request.Method);
        var mcp = new McpRequestInfo
        {
            CarriesMessage = isPost,
            HeaderMethod = isPost ? HeaderValue(headers, "Mcp-Method") : null,
            HeaderName = isPost ? HeaderValue(headers, "Mcp-Name") : null,
        };
        PeekingBodyReader? peek = null;
        if (isPost && !bodyReadByPolicy)
        {
            // The body decides what the request is, whatever the headers say (protocol 2026-07-28 names the method and
            // tool in Mcp-Method / Mcp-Name too, but an upstream that predates them runs what the body says), and
            // whatever its Content-Type: only the first bytes are looked at, as they pass.
            peek = new PeekingBodyReader(request.BodyReader, mcp);
            context.Features.Set<IRequestBodyPipeFeature>(new BodyPipeFeature(peek));
        }

        Activity? activity = null;
        string? traceId = null;
        if (tracing && ProxyTracing.Source.HasListeners())
        {
            var continues = TraceParent.TryParse(headers.TraceParent, headers.TraceState, out var parent);
            activity = ProxyTracing.Source.StartActivity("mcp", ActivityKind.Server, parent);
            if (activity is not null)
            {
                // W3C trace context continues to the upstream with our span as its parent. A trace we start anew
                // (no traceparent, or one that is not valid) carries no tracestate: the caller's entries describe a
                // trace the upstream's span is not part of (W3C Trace Context, section 4.3).
                headers.TraceParent = activity.Id;
                traceId = activity.TraceId.ToHexString();
                if (!continues)
                {
                    headers.Remove(HeaderNames.TraceState);
                }
            }
        }

        if (activity is not null || records is not null)
        {
            if (headers.TryGetValue("Mcp-Session-Id", out var session) && session.Count > 0 && session[0] is { Length: > 0 } id)
            {
                mcp.SessionHash = SessionIdHash.Of(id);
            }

            if (traceId is null && records is not null && TraceParent.TryParse(headers.TraceParent, headers.TraceState, out var callerContext))
            {
                traceId = callerContext.TraceId.ToHexString(); // no span of ours: the caller's trace, so the record still joins it
            }
        }

        var observation = new RequestObservation(this, route, request.Method, mcp, activity, peek, _time.GetUtcNow(), caller) { TraceId = traceId };
        if (Metrics is not null)
        {
            context.Response.OnStarting(static state =>
            {
                var (observation, response, metrics) = ((RequestObservation, HttpResponse, ProxyMetrics))state;
                if (response.ContentType is { } type && type.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase))
                {
                    observation.Streaming = true;
                    metrics.StreamingStarted();
                }

                return Task.CompletedTask;
            }, (observation, context.Response, Metrics));
        }

        return observation;
    }

    /// <summary>What the route's policy read and decided; for a request it answered, also the bytes of its answer.</summary>
    public static void Decided(RequestObservation observation, Policy.PolicyAdmission admission, HttpResponse response)
    {
        observation.Policy = admission.Verdict;
        if (observation.Mcp.CarriesMessage)
        {
            observation.Mcp.ReadByPolicy(admission.Body, admission.Verdict.Reason is Policy.PolicyReason.Unreadable or Policy.PolicyReason.TooLarge);
            if (admission.Body is { IsBatch: false, Messages: [{ Arguments: { } arguments }] })
            {
                observation.Arguments = arguments;
            }
        }

        if (!admission.Forward)
        {
            observation.AnsweredRequestBytes = admission.BodyBytes;
            observation.Bytes.AddResponse(response.ContentLength ?? 0);
        }
    }

    public void End(RequestObservation observation, int status, ForwarderError error, TimeSpan elapsed)
    {
        observation.Peek?.Conclude();
        observation.Status = status;
        observation.Error = error;
        observation.Duration = elapsed;
        var httpMethod = observation.HttpMethod;
        var mcp = observation.Mcp;
        var methodLabel = McpMethodLabel.For(mcp);
        var mismatch = mcp.HeaderMismatch;
        if (Metrics is { } metrics)
        {
            if (observation.Streaming)
            {
                metrics.StreamingEnded();
            }

            var tool = methodLabel == McpMethodLabel.ToolsCall ? (mcp.Tool is { } name ? metrics.Tools.Label(name) : McpMethodLabel.Unknown) : null;
            metrics.RequestFinished(observation.Route, httpMethod, status, methodLabel, tool, error, elapsed.TotalSeconds);
            if (mismatch != McpHeaderMismatch.None)
            {
                metrics.HeaderMismatch(observation.Route, mismatch);
            }
        }

        if (observation.Activity is { } activity)
        {
            // MCP semantic conventions: span name "{mcp.method.name} {target}", the method, the tool, the session.
            var method = Cut(mcp.Method);
            var tool = methodLabel == McpMethodLabel.ToolsCall ? Cut(mcp.Tool) : null;
            activity.DisplayName = method is null ? $"{httpMethod} {observation.Route}" : tool is null ? method : $"{method} {tool}";
            if (method is not null)
            {
                activity.SetTag("mcp.method.name", method);
            }

            if (tool is not null)
            {
                activity.SetTag("gen_ai.tool.name", tool);
                activity.SetTag("gen_ai.operation.name", "execute_tool");
            }

            if (mismatch != McpHeaderMismatch.None)
            {
                // What the headers claimed, beside what the body (and so the upstream) did.
                activity.SetTag("mcptunnel.mcp.header_mismatch", MismatchNames(mismatch));
                activity.SetTag("mcptunnel.mcp.header_method", Cut(mcp.HeaderMethod));
                activity.SetTag("mcptunnel.mcp.header_name", Cut(mcp.HeaderName));
            }

            if (observation.Policy is { } verdict)
            {
                activity.SetTag("mcptunnel.policy.decision", verdict.Decision);
                activity.SetTag("mcptunnel.policy.reason", PolicyReasonLabel(verdict.Reason));
                if (verdict.Rule is { Length: > 0 } rule)
                {
                    activity.SetTag("mcptunnel.policy.rule", Cut(rule));
                }

                if (verdict.AnswerCode is { } code)
                {
                    activity.SetTag("rpc.jsonrpc.error_code", code);
                }
            }

            if (mcp.SessionHash is not null)
            {
                activity.SetTag("mcp.session.id", mcp.SessionHash);
            }

            activity.SetTag("mcptunnel.route", observation.Route);
            activity.SetTag("http.request.method", httpMethod);
            activity.SetTag("http.response.status_code", status);
            activity.SetTag("mcptunnel.outcome", error == ForwarderError.None ? "ok" : error.ToString());
            if (error is not ForwarderError.None || status >= 500)
            {
                activity.SetTag("error.type", error == ForwarderError.None ? status.ToString(System.Globalization.CultureInfo.InvariantCulture) : error.ToString());
                activity.SetStatus(ActivityStatusCode.Error);
            }

            activity.Stop();
        }

        records?.Record(observation);
    }

    /// <summary>The bounded word for a policy reason, as the refusal metric labels it (<c>denied</c>, <c>ratelimited</c>, …).</summary>
    public static string PolicyReasonLabel(Policy.PolicyReason reason) => reason switch
    {
        Policy.PolicyReason.NotSubject => "notsubject",
        Policy.PolicyReason.Allowed => "allowed",
        Policy.PolicyReason.Denied => "denied",
        Policy.PolicyReason.Unreadable => "unreadable",
        Policy.PolicyReason.TooLarge => "toolarge",
        Policy.PolicyReason.HeaderMismatch => "headermismatch",
        Policy.PolicyReason.RateLimited => "ratelimited",
        _ => "concurrencylimited",
    };

    /// <summary>A request answered before it had a route: counted, not traced (nothing was forwarded).</summary>
    public void Refused(HttpContext context, ForwarderError error) =>
        Metrics?.RequestRefused(context.Request.Method, error, ForwarderErrorMapper.Map(error).Status);

    private static string? HeaderValue(IHeaderDictionary headers, string name) =>
        headers.TryGetValue(name, out var values) && values.Count > 0 ? values.ToString() : null;

    private static string MismatchNames(McpHeaderMismatch mismatch) => mismatch switch
    {
        McpHeaderMismatch.Method => "Mcp-Method",
        McpHeaderMismatch.Name => "Mcp-Name",
        _ => "Mcp-Method,Mcp-Name",
    };

    private static string? Cut(string? name) => name is { Length: > MaxNameLength } ? name[..MaxNameLength] : name;
}
