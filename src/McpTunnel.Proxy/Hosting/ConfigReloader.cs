using McpTunnel.Proxy.Audit;
using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Forwarding;
using McpTunnel.Proxy.Logging;
using McpTunnel.Proxy.Observability;
using McpTunnel.Proxy.Policy;

namespace McpTunnel.Proxy.Hosting;

/// <summary>
/// Reloads the config file into the running proxy (docs/ARCHITECTURE.md "Configuration reload"):
/// <code>
///   (1) load and validate the file with the loader the proxy started with (same messages)
///   (2) refuse the whole reload if a restart-only key changed (each named)
///   (3) build the new snapshot (its routes, policies, egress policy; a new upstream pool only if needed)
///   (4) swap it in atomically; requests already running keep the old one to their end
///   (5) log what changed, count the reload, set the hash and load time
/// </code>
/// Any failure in (1)–(3) keeps the running configuration, logs every error with its field and fix, and counts a
/// failed reload. One reload runs at a time.
/// </summary>
internal sealed class ConfigReloader(
    RunningConfig running,
    string path,
    string? tunnelDomainOverride,
    ILogger logger,
    TimeProvider time,
    PolicyLimiters limiters,
    LogLevelSwitch logLevel,
    ConfigReloadMetrics? metrics,
    AuditSwitch? audit,
    CancellationToken stopping)
{
    private readonly Lock _lock = new();

    /// <summary>The config file this reloader reads.</summary>
    public string Path { get; } = path;

    /// <summary>The hash of the file content the last attempt read (the watch reloads only when it changes).</summary>
    public string? LastSeenHash { get; private set; } = running.Current.Source.Hash;

    /// <param name="trigger">Why: <c>SIGHUP</c>, <c>file change</c>, or a caller's word; logged.</param>
    public ConfigReloadOutcome Reload(string trigger)
    {
        lock (_lock)
        {
            if (stopping.IsCancellationRequested)
            {
                ProxyLog.ConfigReloadSkipped(logger, trigger);
                return new ConfigReloadOutcome(false, [], null);
            }

            // Step 1
            ProxyConfigLoadResult loaded;
            try
            {
                loaded = ProxyConfigLoader.Load(Path, tunnelDomainOverride);
            }
            catch (ProxyConfigException ex)
            {
                LastSeenHash = HashOf(Path);
                return Fail(trigger, LastSeenHash, ex.Errors);
            }

            LastSeenHash = loaded.Hash;

            // Step 2
            var current = running.Current;
            if (RestartOnlyKeys.Changed(current.Config, loaded.Config, auditRunning: audit is not null) is { Count: > 0 } restartOnly)
            {
                return Fail(trigger, loaded.Hash, restartOnly);
            }

            // Step 3
            ConfigSnapshot next;
            try
            {
                var pool = UpstreamPool.ReuseOrCreate(current.Pool, loaded.Config, logger);
                next = new ConfigSnapshot(loaded.Config, new ConfigSource(loaded.Hash, time.GetUtcNow()), pool, time);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                return Fail(trigger, loaded.Hash, [new ConfigError("upstream.tls.ca_file", ex.Message, "make the CA bundle readable PEM, then reload again")]);
            }

            foreach (var warning in loaded.Warnings)
            {
                ProxyLog.ConfigWarning(logger, warning);
            }

            // Step 4
            if (!running.Swap(next))
            {
                next.Release();
                ProxyLog.ConfigReloadSkipped(logger, trigger);
                return new ConfigReloadOutcome(false, [], null);
            }

            logLevel.Set(loaded.Config.LogLevel);
            limiters.Retain(loaded.Config.Routes);
            ApplyAudit(loaded);

            // Step 5
            var change = ConfigChange.Between(current, next);
            ProxyLog.ConfigReloaded(
                logger,
                trigger,
                loaded.Hash ?? "",
                List(change.RoutesAdded),
                List(change.RoutesRemoved),
                List(change.RoutesChanged),
                List(change.PolicyChanged),
                change.EgressChanged ? "changed" : "unchanged",
                loaded.Config.LogLevel.ToString().ToLowerInvariant(),
                change.NewUpstreamPool ? "new" : "kept");
            foreach (var warning in Egress.UnreachableUpstreams.Warnings(loaded.Config.Routes, next.Egress))
            {
                ProxyLog.ConfigWarning(logger, warning);
            }

            metrics?.Loaded(loaded.Hash, next.Source.LoadedAt, reloaded: true);
            return new ConfigReloadOutcome(true, [], change);
        }
    }

    /// <summary>
    /// The audit log follows the new config: an anchor naming it, or a log for the new settings continuing the chain
    /// (Audit/AuditSwitch). Waits for the old log to write what it holds, so records keep their order in the chain.
    /// </summary>
    private void ApplyAudit(ProxyConfigLoadResult loaded)
    {
        if (audit is null)
        {
            return;
        }

        try
        {
            audit.ApplyAsync(loaded.Config.Audit, loaded.Sha256).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The new file could not be opened: the config is applied, and the audit sink says why it records nothing.
            ProxyLog.AuditSinkFailed(logger, "file", ex.Message);
        }
    }

    private ConfigReloadOutcome Fail(string trigger, string? hash, IReadOnlyList<ConfigError> errors)
    {
        ProxyLog.ConfigReloadFailed(logger, trigger, hash ?? "", errors.Count);
        foreach (var error in errors)
        {
            ProxyLog.ConfigReloadError(logger, error.Field, error.Message, error.Fix ?? "");
        }

        metrics?.Failed();
        return new ConfigReloadOutcome(false, errors, null);
    }

    private static string? HashOf(string file)
    {
        try
        {
            return ConfigHash.Of(File.ReadAllBytes(file));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string List(IReadOnlyList<string> keys) => string.Join(",", keys);
}

/// <summary>Whether a reload was applied; the errors that kept the running configuration; what changed.</summary>
internal sealed record ConfigReloadOutcome(bool Applied, IReadOnlyList<ConfigError> Errors, ConfigChange? Change);
