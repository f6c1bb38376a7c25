using Prometheus;

namespace McpTunnel.Proxy.Observability;

/// <summary>
/// What an operator needs to see about configuration reloads (docs/ARCHITECTURE.md "Configuration reload"): reloads by
/// result, the running config's hash (<c>mcptunnel doctor --admin</c> compares it with the file's), and when the
/// running configuration was loaded, as Prometheus reports its own.
/// </summary>
internal sealed class ConfigReloadMetrics
{
    private readonly Counter _reloads;
    private readonly Gauge _info;
    private readonly Gauge _lastSuccess;
    private readonly Gauge _lastSuccessful;
    private string? _hash;

    public ConfigReloadMetrics(CollectorRegistry registry)
    {
        var factory = Metrics.WithCustomRegistry(registry);
        _reloads = factory.CreateCounter("mcptunnel_config_reloads_total", "Configuration reloads by result (success, failure); a failure keeps the running configuration.", "result");
        _info = factory.CreateGauge("mcptunnel_config_info", "The running configuration: hash is SHA-256 of the config file's bytes, first 12 hex digits (always 1).", "hash");
        _lastSuccess = factory.CreateGauge("mcptunnel_config_last_reload_success_timestamp_seconds", "When the running configuration was loaded (at start or by the last successful reload), Unix seconds.");
        _lastSuccessful = factory.CreateGauge("mcptunnel_config_last_reload_successful", "1 when the last reload attempt succeeded (or none was made since start), 0 when it failed.");
        _reloads.WithLabels("success");
        _reloads.WithLabels("failure");
    }

    /// <summary>A configuration is running: at start (<paramref name="reloaded"/> false) or after a successful reload.</summary>
    public void Loaded(string? hash, DateTimeOffset at, bool reloaded)
    {
        if (reloaded)
        {
            _reloads.WithLabels("success").Inc();
        }

        var label = hash ?? "";
        if (_hash is { } previous && previous != label)
        {
            _info.RemoveLabelled(previous);
        }

        _hash = label;
        _info.WithLabels(label).Set(1);
        _lastSuccess.Set(at.ToUnixTimeMilliseconds() / 1000.0);
        _lastSuccessful.Set(1);
    }

    public void Failed()
    {
        _reloads.WithLabels("failure").Inc();
        _lastSuccessful.Set(0);
    }
}
