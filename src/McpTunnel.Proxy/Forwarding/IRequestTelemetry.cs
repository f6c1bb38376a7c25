using System.Net;

namespace McpTunnel.Proxy.Forwarding;

/// <summary>
/// The request handler's one hook into metrics, traces and the audit trail: <see cref="Begin"/> once a request has a
/// route (before the MCP policy), <see cref="Refused"/> for a request answered before it had one. Implemented by the
/// observability side folder (<c>Observability/RequestTelemetry</c>), so forwarding does not depend on it: the
/// dependency points from the observer to the stage it observes, as with <c>Listener/ITunnelMetrics</c>. Null when
/// neither metrics, tracing nor an audit trail is on.
/// </summary>
internal interface IRequestTelemetry
{
    /// <param name="bodyReadByPolicy">The route's policy will read the body whole, so the telemetry must not read it too.</param>
    IObservedRequest Begin(HttpContext context, string route, bool bodyReadByPolicy, IPAddress? caller);

    void Refused(HttpContext context, ForwarderError error);
}
