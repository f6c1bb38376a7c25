using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Logging;

namespace McpTunnel.Proxy.Credentials;

/// <summary>
/// Re-reads the credential files of the running configuration every <see cref="Interval"/>, so a rotated Secret is
/// sent without a restart or a reload. Only the current snapshot's credentials are polled: a reload builds new ones
/// from the file as it then is, and requests still running on an older snapshot have already sent theirs. Each
/// outcome is logged (never the value: the route, the file, the value's length and the file's modification time) and
/// counted through <see cref="Reloaded"/> and <see cref="ReloadFailed"/> (the metrics subscribe). The server hands it the
/// running snapshot's credentials as a function, so this stage depends on no stage that holds it (docs/ARCHITECTURE.md
/// "Stage dependencies").
/// </summary>
internal sealed class CredentialRefresher(Func<IEnumerable<UpstreamCredential>> current, ILogger logger, TimeProvider time) : IDisposable
{
    /// <summary>As the certificate's default <c>tls.reload_interval</c>; a Kubernetes Secret update takes up to a minute to reach the pod anyway.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private ITimer? _timer;

    /// <summary>Raised with the route after a new value was swapped in.</summary>
    public event Action<string>? Reloaded;

    /// <summary>Raised with the route once per distinct broken state of its file (when the warning is logged).</summary>
    public event Action<string>? ReloadFailed;

    /// <summary>Starts polling, only when the running configuration has a credential (a reload may add one: then it starts there).</summary>
    public void Start() => _timer ??= time.CreateTimer(_ => Poll(), null, Interval, Interval);

    /// <summary>Re-reads every credential file of the running configuration once; returns how many values changed.</summary>
    public int Poll()
    {
        var changed = 0;
        foreach (var credential in current())
        {
            var poll = credential.Poll();
            switch (poll.Result)
            {
                case FilePollResult.Reloaded:
                    changed++;
                    ProxyLog.CredentialReloaded(logger, credential.Route, credential.Settings.ValueFile, credential.Value.Length, ModifiedAt(credential.Settings.ValueFile));
                    Reloaded?.Invoke(credential.Route);
                    break;
                case FilePollResult.Failed:
                    ProxyLog.CredentialReloadFailed(logger, credential.Route, credential.Settings.ValueFile, poll.Problem!, poll.Fix ?? "");
                    ReloadFailed?.Invoke(credential.Route);
                    break;
            }
        }

        return changed;
    }

    public void Dispose() => _timer?.Dispose();

    private static string ModifiedAt(string path)
    {
        try
        {
            return File.GetLastWriteTimeUtc(path).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
