using McpTunnel.Proxy.Configuration;

namespace McpTunnel.Proxy.Logging;

/// <summary>
/// The level of the proxy's own log lines, changeable while running: a reload that changes <c>log_level</c> sets it,
/// and the logging filter for <see cref="ProxyLog.Category"/> reads it on every check (one volatile read).
/// </summary>
internal sealed class LogLevelSwitch(LogLevelSetting initial)
{
    private volatile int _minimum = (int)ToLogLevel(initial);

    public LogLevel Minimum => (LogLevel)_minimum;

    public void Set(LogLevelSetting setting) => _minimum = (int)ToLogLevel(setting);

    public bool IsEnabled(LogLevel level) => level >= (LogLevel)_minimum;

    public static LogLevel ToLogLevel(LogLevelSetting setting) => setting switch
    {
        LogLevelSetting.Debug => LogLevel.Debug,
        LogLevelSetting.Warn => LogLevel.Warning,
        LogLevelSetting.Error => LogLevel.Error,
        _ => LogLevel.Information,
    };
}
