using System.Diagnostics;

namespace McpTunnel.Proxy.Observability;

/// <summary>One forwarded request as the telemetry sees it between <see cref="RequestTelemetry.Begin"/> and its end.</summary>
internal sealed class RequestObservation(string route, McpRequestInfo mcp, Activity? activity, PeekingBodyReader? peek)
{
    public string Route { get; } = route;

    public McpRequestInfo Mcp { get; } = mcp;

    public Activity? Activity { get; } = activity;

    /// <summary>The body peek of a POST, concluded when the request ends; null for requests without a message.</summary>
    public PeekingBodyReader? Peek { get; } = peek;

    /// <summary>Set when the response turned out to be an event stream (counted in the open-streams gauge until the end).</summary>
    public bool Streaming { get; set; }
}
