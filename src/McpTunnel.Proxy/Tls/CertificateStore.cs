using System.Security.Cryptography;
using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Logging;

namespace McpTunnel.Proxy.Tls;

/// <summary>
/// Holds the server certificate for new inner-TLS handshakes and hot-reloads it, so a renewed certificate needs no restart:
/// both files are polled; a change loads the pair, checks the key matches, and swaps it in atomically.
/// A bad or half-written pair keeps the last good one and logs a warning, retrying on the next poll.
/// Reading through the configured paths follows Kubernetes' Secret symlink swaps.
/// </summary>
internal sealed class CertificateStore : IDisposable
{
    private readonly TlsSettings _settings;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private ITimer? _timer;
    private volatile ServerCertificate _current;
    private string? _lastFailureHash;
    private int _polling;

    private CertificateStore(TlsSettings settings, ServerCertificate initial, ILogger logger, TimeProvider time)
    {
        _settings = settings;
        _current = initial;
        _logger = logger;
        _time = time;
    }

    public ServerCertificate Current => _current;

    /// <summary>Raised after a new pair was swapped in.</summary>
    public event Action<ServerCertificate>? Reloaded;

    /// <summary>Raised once per distinct broken state of the files (the same moments the warning is logged).</summary>
    public event Action? ReloadFailed;

    /// <summary>Loads the initial pair; any failure is fatal at startup (non-zero exit, error printed), with Go's file error texts.</summary>
    public static CertificateStore Load(TlsSettings settings, ILogger logger, TimeProvider? time = null)
    {
        var (cert, key) = ReadFiles(settings);
        ServerCertificate initial;
        try
        {
            initial = ServerCertificate.FromPem(cert, key);
        }
        catch (CryptographicException ex)
        {
            throw new CertificateLoadException($"tls: {settings.CertFile} / {settings.KeyFile}: {ex.Message}", ex);
        }

        var store = new CertificateStore(settings, initial, logger, time ?? TimeProvider.System);
        store.LogLoaded(initial);
        return store;
    }

    /// <summary>Starts polling every <see cref="TlsSettings.ReloadInterval"/>.</summary>
    public void StartPolling() =>
        _timer ??= _time.CreateTimer(_ => Poll(), null, _settings.ReloadInterval, _settings.ReloadInterval);

    /// <summary>Checks the files once; returns true when a new certificate was swapped in.</summary>
    public bool Poll()
    {
        if (Interlocked.Exchange(ref _polling, 1) == 1)
        {
            return false;
        }

        try
        {
            byte[] cert, key;
            try
            {
                (cert, key) = ReadFiles(_settings);
            }
            catch (CertificateLoadException ex)
            {
                ReportFailure(ex.Message, ex.Message);
                return false;
            }

            var hash = ServerCertificate.HashContents(cert, key);
            if (hash == _current.ContentHash)
            {
                _lastFailureHash = null;
                return false;
            }

            ServerCertificate next;
            try
            {
                next = ServerCertificate.FromPem(cert, key);
            }
            catch (CryptographicException ex)
            {
                ReportFailure(hash, ex.Message);
                return false;
            }

            _current = next;
            _lastFailureHash = null;
            LogLoaded(next);
            Reloaded?.Invoke(next);
            return true;
        }
        finally
        {
            Volatile.Write(ref _polling, 0);
        }
    }

    public void Dispose() => _timer?.Dispose();

    private void ReportFailure(string key, string message)
    {
        // One warning per distinct broken state, not one per poll: a half-written file is retried quietly.
        if (_lastFailureHash != key)
        {
            _lastFailureHash = key;
            ProxyLog.CertificateReloadFailed(_logger, message);
            ReloadFailed?.Invoke();
        }
    }

    private void LogLoaded(ServerCertificate certificate)
    {
        var leaf = certificate.Leaf;
        var names = leaf.Extensions.OfType<System.Security.Cryptography.X509Certificates.X509SubjectAlternativeNameExtension>()
            .SelectMany(e => e.EnumerateDnsNames());
        ProxyLog.CertificateLoaded(_logger, leaf.Subject, string.Join(",", names), leaf.NotAfter.ToUniversalTime().ToString("O"), leaf.GetCertHashString(HashAlgorithmName.SHA256).ToLowerInvariant());
        var daysLeft = (int)Math.Floor((leaf.NotAfter.ToUniversalTime() - _time.GetUtcNow().UtcDateTime).TotalDays);
        if (daysLeft < 14)
        {
            ProxyLog.CertificateExpiresSoon(_logger, leaf.NotAfter.ToUniversalTime().ToString("O"), daysLeft);
        }
    }

    private static (byte[] Certificate, byte[] Key) ReadFiles(TlsSettings settings) =>
        (ReadFile(settings.CertFile), ReadFile(settings.KeyFile));

    private static byte[] ReadFile(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CertificateLoadException(GoFileErrors.Describe("open", path, ex), ex);
        }
    }
}
