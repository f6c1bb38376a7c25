namespace McpTunnel.Setup.Outputs;

/// <summary>
/// Reads and updates setup's output. <see cref="WriteAsync"/> sets the given keys (other keys are kept),
/// in the given order for stores that write one key at a time, and skips values that did not change.
/// </summary>
internal interface IOutputStore
{
    OutputDestination Destination { get; }

    Task<StoredOutput> ReadAsync(CancellationToken cancellationToken);

    /// <summary>Returns the keys whose value changed.</summary>
    Task<IReadOnlyList<string>> WriteAsync(IReadOnlyList<KeyValuePair<string, string>> entries, CancellationToken cancellationToken);
}
