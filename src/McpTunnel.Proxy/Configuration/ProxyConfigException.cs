namespace McpTunnel.Proxy.Configuration;

/// <summary>The configuration cannot be used; carries every error found, not just the first (docs/ARCHITECTURE.md "Configuration").</summary>
internal sealed class ProxyConfigException : Exception
{
    public ProxyConfigException(string path, IReadOnlyList<ConfigError> errors)
        : base(FormatMessage(path, errors))
    {
        Path = path;
        Errors = errors;
    }

    public string Path { get; }

    public IReadOnlyList<ConfigError> Errors { get; }

    private static string FormatMessage(string path, IReadOnlyList<ConfigError> errors) =>
        errors.Count == 1
            ? $"config {path}: {errors[0]}"
            : $"config {path}: {errors.Count} errors:{string.Concat(errors.Select(e => $"{Environment.NewLine}  - {e}"))}";
}
