using System.Security.Cryptography;
using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Logging;

namespace McpTunnel.Proxy.Tls;

/// <summary>
/// Holds the server certificate for new inner-TLS handshakes and hot-reloads it, so a renewed certificate needs no restart:
/// both files are polled; a change loads the pair, checks the key matches, and swaps it in atomically.
/// A bad or half-written pair keeps the last good one and logs a warning, retrying on the next poll
/// (<see cref="LastGoodFile{T}"/>, the rule credential files follow too).
/// </summary>
internal sealed class CertificateStore : IDisposable
{
    private readonly TlsSettings _settings;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly LastGoodFile<ServerCertificate> _pair;
    private ITimer? _timer;

    private CertificateStore(TlsSettings settings, ServerCertificate initial, ILogger logger, TimeProvider time)
    {
        _settings = settings;
        _pair = new LastGoodFile<ServerCertificate>(initial, initial.ContentHash, () => ReadPair(settings));
        _logger = logger;
        _time = time;
    }

    public ServerCertificate Current => _pair.Current;

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
        var poll = _pair.Poll();
        switch (poll.Result)
        {
            case FilePollResult.Reloaded:
                var next = _pair.Current;
                LogLoaded(next);
                Reloaded?.Invoke(next);
                return true;
            case FilePollResult.Failed:
                ProxyLog.CertificateReloadFailed(_logger, poll.Problem!);
                ReloadFailed?.Invoke();
                return false;
            default:
                return false;
        }
    }

    public void Dispose() => _timer?.Dispose();

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

    private static FileRead<ServerCertificate> ReadPair(TlsSettings settings)
    {
        byte[] cert, key;
        try
        {
            (cert, key) = ReadFiles(settings);
        }
        catch (CertificateLoadException ex)
        {
            return FileRead<ServerCertificate>.Unreadable(ex.Message);
        }

        return FileRead<ServerCertificate>.Read(ServerCertificate.HashContents(cert, key), () =>
        {
            try
            {
                return ServerCertificate.FromPem(cert, key);
            }
            catch (CryptographicException ex)
            {
                throw new UnusableFileException(ex.Message, ex);
            }
        });
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
