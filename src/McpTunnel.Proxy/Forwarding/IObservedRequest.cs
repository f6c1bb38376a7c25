using McpTunnel.Proxy.Policy;

namespace McpTunnel.Proxy.Forwarding;

/// <summary>
/// One request the telemetry follows from its route to its answer (<see cref="IRequestTelemetry.Begin"/>): what the
/// handler tells it along the way.
/// </summary>
internal interface IObservedRequest
{
    /// <summary>Body bytes forwarded each way, counted by the forwarder.</summary>
    ForwardedBytes Bytes { get; }

    /// <summary>What the route's policy read and decided.</summary>
    void Decided(PolicyAdmission admission, HttpResponse response);

    /// <summary>The request was answered (or cut) with <paramref name="status"/>, <paramref name="elapsed"/> after its route was found.</summary>
    void End(int status, ForwarderError error, TimeSpan elapsed);
}
