using McpTunnel.Proxy.Forwarding;
using McpTunnel.Proxy.Tests.Infrastructure;

namespace McpTunnel.Proxy.Tests.Observability;

/// <summary>
/// The dependency between the data path and observability points one way: the observer knows the stages it observes,
/// no stage knows the observer (the stages hold interfaces of their own, <c>Listener/ITunnelMetrics</c> and
/// <c>Forwarding/IRequestTelemetry</c>). Read from the compiled proxy by <see cref="StageDependencies"/>.
/// </summary>
public sealed class ObservabilityDependencyTests
{
    private static readonly string[] DataPath = ["Listener", "Tls", "Routing", "Policy", "Forwarding", "Egress"];

    [Fact]
    public void DataPathStages_UseNothingFromObservability()
    {
        var uses = StageDependencies.Uses(typeof(ProxyRequestHandler).Assembly);

        // The reader sees what a stage uses: the server that wires the two together does use observability.
        Assert.Contains(uses, u => StageDependencies.Stage(u.User) == "Hosting" && StageDependencies.Stage(u.Used) == "Observability");
        var wrong = uses.Where(u => DataPath.Contains(StageDependencies.Stage(u.User)) && StageDependencies.Stage(u.Used) == "Observability")
            .Select(u => $"{u.User.FullName} uses {u.Used.FullName}")
            .Distinct()
            .ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }
}
