using System.Net.Security;
using System.Net.WebSockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using McpTunnel.Cli.Terminal;
using McpTunnel.Pki.Inspection;
using McpTunnel.Pki.Rules;
using McpTunnel.TunnelClient;

namespace McpTunnel.Cli.Doctor;

/// <summary>
/// Layer (b), per public route name: the inner TLS handshake through a real tunnel, trusting only the CA file
/// (as Anthropic trusts only the registered CA), explained with Anthropic's server-certificate rules on the
/// certificate the proxy actually served (chain, SAN, AKI/SKI, expiry with days left).
/// </summary>
internal static class TlsProbe
{
    private const DoctorLayer Layer = DoctorLayer.InnerTls;

    public static async Task RunAsync(TunnelConnector connector, string caPem, string serverName, string certFile, DoctorReport report, DoctorOptions options, CancellationToken cancellationToken)
    {
        X509Certificate2? served = null;
        string? failure = null;
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(options.Timeout);
            await using var ssl = await connector.ConnectTlsAsync(serverName, [SslApplicationProtocol.Http11], cts.Token);
            if (ssl.RemoteCertificate is { } remote)
            {
                served = X509CertificateLoader.LoadCertificate(remote.GetRawCertData());
            }
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or WebSocketException or OperationCanceledException)
        {
            failure = connector.Validator.LastFailure(serverName) ?? ex.GetBaseException().Message;
        }

        using (served)
        {
            var filePem = TryRead(certFile);
            if (failure is not null)
            {
                var onDisk = filePem is null ? null : CertificateChecker.CheckServer(filePem, caPem, serverName, ServerNameKind.Host).Failures.Select(f => f.RuleId).ToList();
                var fileNote = onDisk is { Count: > 0 } ? $"; {Path.GetFileName(certFile)} on disk fails {string.Join(", ", onDisk)}" : "";
                report.Add(DoctorCheck.Fail(Layer, serverName, "handshake", $"tls handshake failed: {failure}{fileNote}", RowFor(failure), FixFor(failure)));
                return;
            }

            if (served is not null && filePem is not null && SafeFingerprint(filePem) is { } fileFingerprint
                && fileFingerprint != CertificateFingerprint.Sha256Hex(served))
            {
                report.Add(DoctorCheck.Warn(Layer, serverName, "certificate file", $"the proxy serves another certificate than {certFile} (a reload is pending, or the new pair is bad and the last good one stays)", "Read the proxy log for certificate warnings; check that tls.crt and tls.key belong together"));
            }

            var rules = served is null
                ? null
                : CertificateChecker.CheckServer(served.ExportCertificatePem(), caPem, serverName, ServerNameKind.Host);
            if (rules is { Passed: false })
            {
                var failed = rules.Failures.First();
                report.Add(DoctorCheck.Fail(Layer, serverName, "certificate", $"{failed.RuleId}: {failed.Detail}", Troubleshooting.BadCertificate, failed.Fix));
                return;
            }

            var daysLeft = served is null ? 0 : (int)Math.Floor((CertificateTimesUtc(served) - DateTimeOffset.UtcNow).TotalDays);
            var detail = $"handshake ok trusting only the CA; signed directly by it, SAN matches, AKI = CA SKI, {daysLeft} days left";
            report.Add(daysLeft < options.RenewWithinDays
                ? DoctorCheck.Warn(Layer, serverName, "handshake", detail, "Renew soon: mcptunnel certs renew (same key, same CA; the proxy reloads it)")
                : DoctorCheck.Pass(Layer, serverName, "handshake", detail));
        }
    }

    private static string? TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // outside the proxy's container the path may not exist; the served certificate is what counts
        }
    }

    private static string? SafeFingerprint(string pem)
    {
        try
        {
            return CertificateFingerprint.Sha256Hex(pem);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    private static DateTimeOffset CertificateTimesUtc(X509Certificate2 certificate) => new(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);

    private static TroubleshootingRow RowFor(string failure) =>
        failure.Contains("unknown certificate authority", StringComparison.OrdinalIgnoreCase) ? Troubleshooting.UnknownCa
        : failure.Contains("expired", StringComparison.OrdinalIgnoreCase)
          || failure.Contains("not yet valid", StringComparison.OrdinalIgnoreCase)
          || failure.Contains("name mismatch", StringComparison.OrdinalIgnoreCase)
          || failure.Contains("intermediate", StringComparison.OrdinalIgnoreCase) ? Troubleshooting.BadCertificate
        : Troubleshooting.NotRegistered;

    private static string? FixFor(string failure) =>
        failure.Contains("intermediate", StringComparison.OrdinalIgnoreCase) ? CertificateRules.ServerNoIntermediate.DefaultFix
        : failure.Contains("expired", StringComparison.OrdinalIgnoreCase) ? "Renew it with the same key and CA: mcptunnel certs renew (the proxy reloads tls.crt by polling, no restart)"
        : null;
}
