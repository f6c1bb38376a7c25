namespace McpTunnel.Setup.Outputs;

/// <summary><c>k8s-secret:NAME</c>: one Secret in the pod's own namespace.</summary>
internal sealed record KubernetesSecretDestination(string Name) : OutputDestination
{
    public override string TunnelDisplayName => Name;

    public override string ToString() => $"k8s-secret:{Name}";
}
