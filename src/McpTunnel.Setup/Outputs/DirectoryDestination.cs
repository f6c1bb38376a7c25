namespace McpTunnel.Setup.Outputs;

/// <summary><c>dir:/path</c>: one file per output key in an existing directory.</summary>
internal sealed record DirectoryDestination(string Path) : OutputDestination
{
    public override string TunnelDisplayName => DefaultSecretName;

    public override string ToString() => $"dir:{Path}";
}
