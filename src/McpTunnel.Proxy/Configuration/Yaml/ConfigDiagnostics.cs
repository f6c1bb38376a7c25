namespace McpTunnel.Proxy.Configuration.Yaml;

/// <summary>
/// What a load found: errors (the config cannot be used; every one is collected, not just the first, so an
/// operator fixes them in one round) and warnings (it loads, but something is probably not what was meant).
/// </summary>
internal sealed class ConfigDiagnostics
{
    private readonly List<ConfigError> _errors = [];
    private readonly List<string> _warnings = [];

    public IReadOnlyList<ConfigError> Errors => _errors;

    public IReadOnlyList<string> Warnings => _warnings;

    public bool HasErrors => _errors.Count > 0;

    public void Error(string field, string message, string fix) => _errors.Add(new ConfigError(field, message, fix));

    public void Warn(string message) => _warnings.Add(message);
}
