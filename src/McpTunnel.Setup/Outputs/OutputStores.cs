namespace McpTunnel.Setup.Outputs;

/// <summary>Opens the store a destination names and reads what earlier runs left there.</summary>
internal static class OutputStores
{
    /// <summary>
    /// The store with its current contents, whose secrets are registered with the log before anything else
    /// is logged. Dispose it when the command ends: a Kubernetes Secret store owns an HTTP client.
    /// </summary>
    public static async Task<OpenedOutput> OpenAsync(OutputDestination destination, SetupHost host, SetupLog log, CancellationToken cancellationToken)
    {
        var resources = new List<IDisposable>();
        try
        {
            var store = Open(destination, host, resources);
            var stored = await store.ReadAsync(cancellationToken);
            log.RegisterSecrets(stored);
            return new OpenedOutput(store, stored, resources);
        }
        catch
        {
            resources.ForEach(r => r.Dispose());
            throw;
        }
    }

    private static IOutputStore Open(OutputDestination destination, SetupHost host, List<IDisposable> resources) => destination switch
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
