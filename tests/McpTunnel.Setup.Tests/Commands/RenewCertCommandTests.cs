using System.Security.Cryptography.X509Certificates;
using McpTunnel.Pki.Issuing;
using McpTunnel.Pki.Rules;
using McpTunnel.Setup.Outputs;
using McpTunnel.Setup.Tests.Support;

namespace McpTunnel.Setup.Tests.Commands;

public sealed class RenewCertCommandTests
{
    [Fact]
    public async Task RenewCert_WithoutRenewBefore_IssuesNewKeyAndCertificateWithoutApiCalls()
    {
        await using var setup = await SetupHarness.StartInitializedAsync();
        var before = (Cert: setup.Read(OutputKeys.ServerCertificate), Key: setup.Read(OutputKeys.ServerKey), Ca: setup.Read(OutputKeys.CaCertificate));
        var requests = setup.Api.Requests.Count;

        var result = await setup.RenewAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(requests, setup.Api.Requests.Count);
        Assert.NotEqual(before.Cert, setup.Read(OutputKeys.ServerCertificate));
        Assert.NotEqual(before.Key, setup.Read(OutputKeys.ServerKey));
        Assert.Equal(before.Ca, setup.Read(OutputKeys.CaCertificate));
        var report = CertificateChecker.CheckServer(setup.Read(OutputKeys.ServerCertificate), before.Ca, setup.Read(OutputKeys.TunnelDomain));
        Assert.True(report.Passed, string.Join("; ", report.Failures));
        using var pair = X509Certificate2.CreateFromPem(setup.Read(OutputKeys.ServerCertificate), setup.Read(OutputKeys.ServerKey));
        Assert.True(pair.HasPrivateKey);
        setup.AssertNoSecretsPrinted();
    }

    [Fact]
    public async Task RenewCert_MoreThanRenewBeforeLeft_ChangesNothing()
    {
        await using var setup = await SetupHarness.StartInitializedAsync();
        var certificate = setup.Read(OutputKeys.ServerCertificate);
        var written = File.GetLastWriteTimeUtc(Path.Combine(setup.OutputDirectory, OutputKeys.ServerCertificate));
        setup.Time.Advance(TimeSpan.FromDays(30));

        var result = await setup.RenewAsync("--renew-before=720h");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("not renewing", result.Out, StringComparison.Ordinal);
        Assert.Equal(certificate, setup.Read(OutputKeys.ServerCertificate));
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(setup.OutputDirectory, OutputKeys.ServerCertificate)));
    }

    [Fact]
    public async Task RenewCert_WithinRenewBeforeWindow_RenewsForTheFullDuration()
    {
        await using var setup = await SetupHarness.StartInitializedAsync();
        var certificate = setup.Read(OutputKeys.ServerCertificate);
        setup.Time.Advance(TimeSpan.FromDays(70));

        var result = await setup.RenewAsync("--renew-before", "720h", "--cert-duration=24h");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("within --renew-before=720h", result.Out, StringComparison.Ordinal);
        Assert.NotEqual(certificate, setup.Read(OutputKeys.ServerCertificate));
        using var renewed = X509Certificate2.CreateFromPem(setup.Read(OutputKeys.ServerCertificate));
        Assert.Equal(setup.Time.GetUtcNow().AddHours(24).UtcDateTime, renewed.NotAfter.ToUniversalTime(), TimeSpan.FromMinutes(6));
    }

    [Fact]
    public async Task RenewCert_CertificateFromAnotherCa_IsReplacedDespiteRenewBefore()
    {
        await using var setup = await SetupHarness.StartInitializedAsync();
        using var stranger = CertificateAuthority.Create();
        var foreign = stranger.IssueServerCertificate(new ServerCertificateRequest(setup.Read(OutputKeys.TunnelDomain)));
        File.WriteAllText(Path.Combine(setup.OutputDirectory, OutputKeys.ServerCertificate), foreign.CertificatePem);

        var result = await setup.RenewAsync("--renew-before=720h");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("must be replaced", result.Out, StringComparison.Ordinal);
        var report = CertificateChecker.CheckServer(setup.Read(OutputKeys.ServerCertificate), setup.Read(OutputKeys.CaCertificate), setup.Read(OutputKeys.TunnelDomain));
        Assert.True(report.Passed, string.Join("; ", report.Failures));
    }

    [Fact]
    public async Task RenewCert_WithoutStoredCa_FailsAndSaysToRunInitFirst()
    {
        await using var setup = await SetupHarness.StartAsync();

        var result = await setup.RenewAsync();

        result.AssertFailed(1, "no CA", "run setup init first");
        Assert.Empty(Directory.GetFiles(setup.OutputDirectory));
    }

    [Fact]
    public async Task RenewCert_KeyTypeFlag_SwitchesTheServerKey()
    {
        await using var setup = await SetupHarness.StartInitializedAsync();

        var result = await setup.RenewAsync("-key-type=rsa2048");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var certificate = X509Certificate2.CreateFromPem(setup.Read(OutputKeys.ServerCertificate));
        using var rsa = certificate.GetRSAPublicKey();
        Assert.Equal(2048, rsa?.KeySize);
    }
}
