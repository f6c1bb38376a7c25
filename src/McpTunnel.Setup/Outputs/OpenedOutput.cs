namespace McpTunnel.Setup.Outputs;

/// <summary>An output store opened for one command, with what it held when the command started.</summary>
internal sealed class OpenedOutput(IOutputStore store, StoredOutput stored, IReadOnlyList<IDisposable> resources) : IDisposable
{
    public IOutputStore Store { get; } = store;

    public StoredOutput Stored { get; } = stored;

    public void Dispose()
    {
        foreach (var resource in resources)
        {
            resource.Dispose();
        }
    }
}
