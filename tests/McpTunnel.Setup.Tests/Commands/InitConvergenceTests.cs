using McpTunnel.Pki.Inspection;
using McpTunnel.Pki.Issuing;
using McpTunnel.Setup.Outputs;
using McpTunnel.Setup.Tests.Support;

namespace McpTunnel.Setup.Tests.Commands;

/// <summary>A run that fails at any step, followed by a re-run, ends in the same state as one clean run.</summary>
public sealed class InitConvergenceTests
{
    [Fact]
    public async Task Init_RegisterAnswerLostThenRerun_ReusesCaAndRegistersItOnce()
    {
        await using var setup = await SetupHarness.StartAsync();
        setup.Api.FailNext("POST", "/certificates$", afterApplying: true);

        var failed = await setup.InitAsync("--token-version=1");
        var caAfterFailure = setup.Read(OutputKeys.CaCertificate);
        var rerun = await setup.InitAsync("--token-version=1");

        failed.AssertFailed(1, "HTTP 500");
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        var tunnel = Assert.Single(setup.Api.Tunnels);
        Assert.Equal(caAfterFailure, setup.Read(OutputKeys.CaCertificate));
        Assert.Single(setup.Api.Certificates);
        Assert.Contains("already registered", rerun.Out, StringComparison.Ordinal);
        Assert.Equal(tunnel.TokenValue, setup.Read(OutputKeys.TunnelToken));
        setup.AssertNoSecretsPrinted();
    }

    [Fact]
    public async Task Init_RevealFailsAfterRegisteringThenRerun_NoSecondTunnelAndNoThirdCa()
    {
        await using var setup = await SetupHarness.StartAsync();
        var tunnel = setup.Api.AddTunnel();
        using var previous = CertificateAuthority.Create();
        setup.Api.AddCertificate(tunnel.Id, previous.CertificatePem);
        setup.Api.FailNext("POST", "/reveal_token$", status: 529);

        var failed = await setup.InitAsync($"--tunnel-id={tunnel.Id}", "--token-version=1");
        var rerun = await setup.InitAsync($"--tunnel-id={tunnel.Id}", "--token-version=1");

        failed.AssertFailed(1, "re-run setup later");
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.Single(setup.Api.Tunnels);
        Assert.Equal(2, setup.Api.ActiveCertificates(tunnel.Id).Count);
        Assert.Equal(2, setup.Api.Certificates.Count);
        Assert.DoesNotContain(setup.Api.Requests, r => r.Status == 409);
        Assert.Equal(tunnel.TokenValue, setup.Read(OutputKeys.TunnelToken));
        Assert.Equal("1", setup.Read(OutputKeys.TokenVersion));
    }

    [Fact]
    public async Task Init_CertificateListFailsAfterTunnelCreated_RerunUsesTheStoredTunnel()
    {
        await using var setup = await SetupHarness.StartAsync();
        setup.Api.FailNext("GET", "/certificates$");

        var failed = await setup.InitAsync();
        var rerun = await setup.InitAsync();

        Assert.Equal(1, failed.ExitCode);
        Assert.True(setup.Has(OutputKeys.TunnelId), "the tunnel ID must be saved before anything can fail");
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.Single(setup.Api.Tunnels);
        Assert.Single(setup.Api.Certificates);
    }

    [Fact]
    public async Task Init_RotateAnswerLostThenRerun_StoresTheCurrentToken()
    {
        await using var setup = await SetupHarness.StartAsync();
        Assert.Equal(0, (await setup.InitAsync("--token-version=1")).ExitCode);
        setup.Api.FailNext("POST", "/rotate_token$", afterApplying: true);

        var failed = await setup.InitAsync("--token-version=2");
        var versionAfterFailure = setup.Read(OutputKeys.TokenVersion);
        var rerun = await setup.InitAsync("--token-version=2");

        Assert.Equal(1, failed.ExitCode);
        Assert.Equal("1", versionAfterFailure);
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        var tunnel = Assert.Single(setup.Api.Tunnels);
        Assert.Equal(tunnel.TokenValue, setup.Read(OutputKeys.TunnelToken));
        Assert.Equal("2", setup.Read(OutputKeys.TokenVersion));
        Assert.Single(setup.Api.Certificates);
    }

    [Fact]
    public async Task Init_BothSlotsFullThenOneRevoked_RerunRegistersTheSameCa()
    {
        await using var setup = await SetupHarness.StartAsync();
        var tunnel = setup.Api.AddTunnel();
        using var first = CertificateAuthority.Create();
        using var second = CertificateAuthority.Create();
        var old = setup.Api.AddCertificate(tunnel.Id, first.CertificatePem);
        setup.Api.AddCertificate(tunnel.Id, second.CertificatePem);

        var full = await setup.InitAsync($"--tunnel-id={tunnel.Id}");
        var ca = setup.Read(OutputKeys.CaCertificate);
        setup.Api.ArchiveCertificate(old.Id);
        var rerun = await setup.InitAsync($"--tunnel-id={tunnel.Id}");

        full.AssertFailed(1, "HTTP 409", "revoke", "Console");
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.Equal(ca, setup.Read(OutputKeys.CaCertificate));
        Assert.Contains(setup.Api.ActiveCertificates(tunnel.Id), c => c.Fingerprint == CertificateFingerprint.Sha256Hex(ca));
        Assert.Equal(3, setup.Api.Certificates.Count);
    }
}
