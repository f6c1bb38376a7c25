using McpTunnel.Common;
using McpTunnel.Pki.Issuing;
using McpTunnel.Pki.Rules;
using McpTunnel.Setup.Certificates;
using McpTunnel.Setup.Outputs;

namespace McpTunnel.Setup.Commands;

/// <summary>
/// <c>setup renew-cert</c>: a new server certificate and key signed by the stored CA,
/// with no API call. With <c>--renew-before</c> it does nothing while the current certificate is valid
/// for this CA and domain and has more than that long left, so a daily CronJob is safe. The key is
/// new on each renewal (the docs leave this open) and is written before the certificate, in one write for a Secret.
/// </summary>
internal sealed class RenewCertCommand(RenewCertSettings settings, SetupHost host, SetupLog log)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var output = await OutputStores.OpenAsync(settings.Output, host, log, cancellationToken);
        var (store, stored) = (output.Store, output.Stored);

        if (!stored.HasCa)
        {
            throw new SetupException(
                $"no CA in {store.Destination}: renew-cert signs with the CA that setup init stored ({OutputKeys.CaCertificate}, {OutputKeys.CaKey})",
                "run setup init first, or point --output at the output setup init wrote");
        }

        var domain = stored.TunnelDomain ?? throw new SetupException(
            $"no {OutputKeys.TunnelDomain} in {store.Destination}: renew-cert needs the tunnel domain for the certificate's names",
            "run setup init first, or point --output at the output setup init wrote");

        var now = host.Time.GetUtcNow();
        using var authority = SetupCertificates.LoadAuthority(stored, now);
        log.RegisterSecret(authority.PrivateKeyPem);

        if (settings.RenewBefore > TimeSpan.Zero && StillGoodFor(stored.ServerCertificatePem, authority, domain, now) is { } remaining)
        {
            if (remaining > settings.RenewBefore)
            {
                log.Info($"renew-cert: not renewing: {OutputKeys.ServerCertificate} is valid for {GoDuration.Format(TruncateToMinutes(remaining))} more, over --renew-before={GoDuration.Format(settings.RenewBefore)}");
                return;
            }

            log.Info($"renew-cert: {OutputKeys.ServerCertificate} has {GoDuration.Format(TruncateToMinutes(remaining))} left, within --renew-before={GoDuration.Format(settings.RenewBefore)}: renewing");
        }

        var keyAlgorithm = SetupCertificates.ChooseKeyAlgorithm(settings.KeyType, stored.ServerCertificatePem);
        var server = SetupCertificates.IssueServer(authority, domain, settings.CertDuration, keyAlgorithm, now);
        log.RegisterSecret(server.PrivateKeyPem);
        await store.WriteAsync(
            [
                new(OutputKeys.ServerKey, server.PrivateKeyPem),
                new(OutputKeys.ServerCertificate, server.CertificatePem),
            ],
            cancellationToken);
        log.Info($"renew-cert: issued a new server certificate for *.{domain} ({SetupCertificates.Describe(keyAlgorithm)}, valid until {server.NotAfter:yyyy-MM-dd HH:mm} UTC) and wrote {OutputKeys.ServerKey} {OutputKeys.ServerCertificate} to {store.Destination}");
    }

    /// <summary>Remaining validity of a stored certificate that passes every rule, or null (renew now).</summary>
    private TimeSpan? StillGoodFor(string? certificatePem, CertificateAuthority authority, string domain, DateTimeOffset now)
    {
        if (certificatePem is null)
        {
            log.Info($"renew-cert: no {OutputKeys.ServerCertificate} stored: issuing one");
            return null;
        }

        var report = CertificateChecker.CheckServer(certificatePem, authority.CertificatePem, domain, now);
        if (!report.Passed)
        {
            log.Info($"renew-cert: the stored {OutputKeys.ServerCertificate} must be replaced: {SetupCertificates.Describe(report)}");
            return null;
        }

        return SetupCertificates.NotAfter(certificatePem) - now;
    }

    private static TimeSpan TruncateToMinutes(TimeSpan value) => TimeSpan.FromMinutes(Math.Floor(value.TotalMinutes));
}
