using System.Diagnostics;
using System.Net;
using McpTunnel.Proxy.Forwarding;
using McpTunnel.Proxy.Policy;

namespace McpTunnel.Proxy.Observability;

/// <summary>
/// The per-request record: one per request that reached a route, started before the MCP policy (so a request the
/// policy answers is in it too) and ended when the answer is sent. Metrics, the span and the audit log are all built
/// from it; nothing else reads the request. What the request is as MCP comes from the policy stage's read of the body
/// on a route with a policy, from the body peek otherwise (<see cref="McpRequestInfo"/>). The handler reports to it
/// through <see cref="IObservedRequest"/>, which hands each report to the <see cref="RequestTelemetry"/> that began it.
/// </summary>
internal sealed class RequestObservation(RequestTelemetry telemetry, string route, string httpMethod, McpRequestInfo mcp, Activity? activity, PeekingBodyReader? peek, DateTimeOffset started, IPAddress? caller) : IObservedRequest
{
    public string Route { get; } = route;

    public string HttpMethod { get; } = httpMethod;

    public McpRequestInfo Mcp { get; } = mcp;

    public Activity? Activity { get; } = activity;

    /// <summary>The body peek of a POST, concluded when the request ends; null for requests without a message, and on policy routes.</summary>
    public PeekingBodyReader? Peek { get; } = peek;

    /// <summary>When the request reached its route (the proxy's clock).</summary>
    public DateTimeOffset Started { get; } = started;

    /// <summary>The caller's address as the proxy saw it: the outer connection's peer (the edge, or what it forwarded from).</summary>
    public IPAddress? Caller { get; } = caller;

    /// <summary>The W3C trace id: our span's, else the caller's <c>traceparent</c>'s; null when neither exists.</summary>
    public string? TraceId { get; init; }

    /// <summary>Body bytes forwarded each way (counted by the forwarder).</summary>
    public ForwardedBytes Bytes { get; } = new();

    /// <summary>The policy's verdict; null when the route has no policy.</summary>
    public RequestVerdict? Policy { get; set; }

    /// <summary>The request body bytes the policy held (and answered without forwarding); the forwarder counts the rest.</summary>
    public long AnsweredRequestBytes { get; set; }

    /// <summary>Set when the response turned out to be an event stream (counted in the open-streams gauge until the end).</summary>
    public bool Streaming { get; set; }

    /// <summary>The status the caller got (499: it went away first); set at the end.</summary>
    public int Status { get; set; }

    public ForwarderError Error { get; set; }

    public TimeSpan Duration { get; set; }

    public long RequestBytes => Bytes.Request + AnsweredRequestBytes;

    /// <summary>The call's arguments as <c>audit.arguments</c> asks (shapes or redacted values, as JSON); null otherwise.</summary>
    public ReadOnlyMemory<byte>? Arguments { get; set; }

    void IObservedRequest.Decided(PolicyAdmission admission, HttpResponse response) => RequestTelemetry.Decided(this, admission, response);

    void IObservedRequest.End(int status, ForwarderError error, TimeSpan elapsed) => telemetry.End(this, status, error, elapsed);
}
