using System.Text.RegularExpressions;

namespace McpTunnel.Setup.Outputs;

/// <summary>Where setup keeps its state and results: <c>dir:/path</c> or <c>k8s-secret:NAME</c>; nothing else is accepted.</summary>
internal abstract partial record OutputDestination
{
    public const string DefaultSecretName = "mcp-tunnel";

    /// <summary>The name a created tunnel gets (the docs leave it open): the Secret's name, or <c>mcp-tunnel</c> for a directory.</summary>
    public abstract string TunnelDisplayName { get; }

    public static bool TryParse(string text, out OutputDestination? destination, out string? error)
    {
        destination = null;
        error = null;
        if (text.StartsWith("dir:", StringComparison.Ordinal))
        {
            var path = text["dir:".Length..];
            if (path.Length == 0)
            {
                error = $"invalid --output \"{text}\": the directory path is empty";
                return false;
            }

            destination = new DirectoryDestination(Path.GetFullPath(path));
            return true;
        }

        if (text.StartsWith("k8s-secret:", StringComparison.Ordinal))
        {
            var name = text["k8s-secret:".Length..];
            if (!SecretName().IsMatch(name) || name.Length > 253)
            {
                error = $"invalid --output \"{text}\": \"{name}\" is not a valid Kubernetes Secret name (lowercase letters, digits, '-' and '.', starting and ending with a letter or digit)";
                return false;
            }

            destination = new KubernetesSecretDestination(name);
            return true;
        }

        error = $"invalid --output \"{text}\": expected dir:/path or k8s-secret:NAME";
        return false;
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")]
    private static partial Regex SecretName();
}
