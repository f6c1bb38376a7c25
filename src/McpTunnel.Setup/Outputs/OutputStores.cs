namespace McpTunnel.Setup.Outputs;

/// <summary>Opens the store a destination names.</summary>
internal static class OutputStores
{
    public static IOutputStore Open(OutputDestination destination, SetupHost host, List<IDisposable> resources) => destination switch
    {
        DirectoryDestination directory => new DirectoryOutputStore(directory),
        KubernetesSecretDestination secret => OpenSecret(secret, host, resources),
        _ => throw new InvalidOperationException($"unknown destination {destination}"),
    };

    private static KubernetesSecretStore OpenSecret(KubernetesSecretDestination secret, SetupHost host, List<IDisposable> resources)
    {
        var environment = KubernetesEnvironment.Discover(host);
        var http = KubernetesHttp.CreateClient(environment, host.HttpTimeout);
        resources.Add(http);
        return new KubernetesSecretStore(secret, environment, http);
    }
}
