namespace McpTunnel.Setup.Outputs;

/// <summary>
/// How setup finds the Kubernetes API from inside a pod: the in-cluster service variables and the
/// mounted service-account files. <c>SETUP_KUBERNETES_API_URL</c> overrides the API address and
/// <c>POD_NAMESPACE</c> the namespace (tests point them at a fake; operators rarely need them).
/// </summary>
internal sealed record KubernetesEnvironment(Uri ApiUrl, string Namespace, string TokenPath, string? CaCertificatePath)
{
    public const string ApiUrlOverrideVariable = "SETUP_KUBERNETES_API_URL";
    public const string NamespaceVariable = "POD_NAMESPACE";

    /// <summary>A pod is recognised by its service variables or its service-account token mount; then <c>--output</c> defaults to <c>k8s-secret:mcp-tunnel</c>.</summary>
    public static bool IsInPod(SetupHost host) =>
        host.GetEnvironment("KUBERNETES_SERVICE_HOST") is not null
        || File.Exists(Path.Combine(host.ServiceAccountDirectory, "token"));

    public static KubernetesEnvironment Discover(SetupHost host)
    {
        var directory = host.ServiceAccountDirectory;
        var tokenPath = Path.Combine(directory, "token");
        var caPath = Path.Combine(directory, "ca.crt");

        Uri apiUrl;
        if (host.GetEnvironment(ApiUrlOverrideVariable) is { } overrideUrl)
        {
            if (!Uri.TryCreate(overrideUrl, UriKind.Absolute, out apiUrl!) || (apiUrl.Scheme != Uri.UriSchemeHttps && !(apiUrl.Scheme == Uri.UriSchemeHttp && apiUrl.IsLoopback)))
            {
                throw SetupException.Usage($"{ApiUrlOverrideVariable} \"{overrideUrl}\" is not an https URL (http only for loopback)", $"unset {ApiUrlOverrideVariable} to use the in-cluster API");
            }
        }
        else
        {
            var serviceHost = host.GetEnvironment("KUBERNETES_SERVICE_HOST")
                ?? throw new SetupException(
                    "k8s-secret output needs the Kubernetes API, but KUBERNETES_SERVICE_HOST is not set",
                    "run setup inside a pod, or use --output=dir:/path");
            var port = host.GetEnvironment("KUBERNETES_SERVICE_PORT") ?? "443";
            var hostPart = serviceHost.Contains(':', StringComparison.Ordinal) ? $"[{serviceHost}]" : serviceHost;
            apiUrl = new Uri($"https://{hostPart}:{port}/");
        }

        if (!File.Exists(tokenPath))
        {
            throw new SetupException(
                $"k8s-secret output needs the pod's service-account token, but {tokenPath} does not exist",
                "mount the service-account token (automountServiceAccountToken: true), or use --output=dir:/path");
        }

        var ns = host.GetEnvironment(NamespaceVariable) ?? ReadNamespace(Path.Combine(directory, "namespace"));
        return new KubernetesEnvironment(apiUrl, ns, tokenPath, File.Exists(caPath) ? caPath : null);
    }

    private static string ReadNamespace(string path)
    {
        if (!File.Exists(path))
        {
            throw new SetupException(
                $"cannot tell the pod's namespace: {path} does not exist",
                $"mount the service account, or set {NamespaceVariable} from the downward API (fieldRef: metadata.namespace)");
        }

        return File.ReadAllText(path).Trim();
    }
}
