using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using McpTunnel.Pki.Inspection;
using McpTunnel.Pki.Issuing;
using McpTunnel.Pki.Rules;
using McpTunnel.Setup.Outputs;
using McpTunnel.Setup.Tests.Support;

namespace McpTunnel.Setup.Tests.Commands;

public sealed class InitCommandTests
{
    [Fact]
    public async Task Init_OnEmptyDirectory_CreatesTunnelRegistersCaAndWritesEveryOutput()
    {
        await using var setup = await SetupHarness.StartAsync();

        var result = await setup.InitAsync("--token-version=1");

        Assert.True(result.ExitCode == 0, result.ToString());
        var tunnel = Assert.Single(setup.Api.Tunnels);
        Assert.Equal("mcp-tunnel", tunnel.DisplayName);
        foreach (var key in OutputKeys.All)
        {
            Assert.True(setup.Has(key), $"{key} missing\n{result}");
        }

        Assert.Equal(tunnel.Id, setup.Read(OutputKeys.TunnelId));
        Assert.Equal(tunnel.Domain, setup.Read(OutputKeys.TunnelDomain));
        Assert.Equal(tunnel.TokenValue, setup.Read(OutputKeys.TunnelToken));
        Assert.Equal("1", setup.Read(OutputKeys.TokenVersion));
        var certificate = Assert.Single(setup.Api.ActiveCertificates(tunnel.Id));
        Assert.Equal(CertificateFingerprint.Sha256Hex(setup.Read(OutputKeys.CaCertificate)), certificate.Fingerprint);
        Assert.Equal(0, tunnel.Rotations);
        setup.AssertNoSecretsPrinted();
    }

    [Fact]
    public async Task Init_GeneratedCertificates_PassEveryCheckerRule()
    {
        await using var setup = await SetupHarness.StartAsync();

        var result = await setup.InitAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        var ca = setup.Read(OutputKeys.CaCertificate);
        var caReport = CertificateChecker.CheckCa(ca);
        Assert.True(caReport.Passed, string.Join("; ", caReport.Failures));
        var domain = setup.Read(OutputKeys.TunnelDomain);
        var serverReport = CertificateChecker.CheckServer(setup.Read(OutputKeys.ServerCertificate), ca, domain);
        Assert.True(serverReport.Passed, string.Join("; ", serverReport.Failures));
        using var pair = X509Certificate2.CreateFromPem(setup.Read(OutputKeys.ServerCertificate), setup.Read(OutputKeys.ServerKey));
        Assert.True(pair.HasPrivateKey);
        Assert.NotNull(pair.GetECDsaPublicKey());
        Assert.InRange(pair.NotAfter.ToUniversalTime() - DateTime.UtcNow, TimeSpan.FromHours(2159), TimeSpan.FromHours(2160));
    }

    [Fact]
    public async Task Init_RerunWithoutChanges_MakesNoTunnelNoCaAndNoRotation()
    {
        await using var setup = await SetupHarness.StartAsync();
        Assert.Equal(0, (await setup.InitAsync("--token-version=1")).ExitCode);
        var ca = setup.Read(OutputKeys.CaCertificate);
        var caKey = setup.Read(OutputKeys.CaKey);
        var token = setup.Read(OutputKeys.TunnelToken);

        var result = await setup.InitAsync("--token-version=1");

        Assert.True(result.ExitCode == 0, result.ToString());
        var tunnel = Assert.Single(setup.Api.Tunnels);
        Assert.Single(setup.Api.Certificates);
        Assert.Equal(ca, setup.Read(OutputKeys.CaCertificate));
        Assert.Equal(caKey, setup.Read(OutputKeys.CaKey));
        Assert.Equal(token, setup.Read(OutputKeys.TunnelToken));
        Assert.Equal(0, tunnel.Rotations);
        Assert.Equal(2, tunnel.Reveals);
        Assert.Contains("already registered", result.Out, StringComparison.Ordinal);
        Assert.Single(setup.Api.Requests, r => r.Method == "POST" && r.Path == "/v1/tunnels");
        Assert.Single(setup.Api.Requests, r => r.Method == "POST" && r.Path.EndsWith("/certificates", StringComparison.Ordinal));
        setup.AssertNoSecretsPrinted();
    }

    [Fact]
    public async Task Init_TokenVersionBumped_RotatesExactlyOnce()
    {
        await using var setup = await SetupHarness.StartAsync();
        Assert.Equal(0, (await setup.InitAsync("--token-version=1")).ExitCode);
        var oldToken = setup.Read(OutputKeys.TunnelToken);

        var bumped = await setup.InitAsync("--token-version=2");
        var again = await setup.InitAsync("--token-version=2");

        Assert.True(bumped.ExitCode == 0, bumped.ToString());
        Assert.Equal(0, again.ExitCode);
        var tunnel = Assert.Single(setup.Api.Tunnels);
        Assert.Equal(1, tunnel.Rotations);
        Assert.NotEqual(oldToken, setup.Read(OutputKeys.TunnelToken));
        Assert.Equal(tunnel.TokenValue, setup.Read(OutputKeys.TunnelToken));
        Assert.Equal("2", setup.Read(OutputKeys.TokenVersion));
        var rotate = Assert.Single(setup.Api.Requests, r => r.Path.EndsWith("/rotate_token", StringComparison.Ordinal));
        Assert.Contains("1 -> 2", JsonNode.Parse(rotate.Body)?["reason"]?.GetValue<string>(), StringComparison.Ordinal);
        setup.AssertNoSecretsPrinted();
    }

    [Fact]
    public async Task Init_FirstRunWithTokenVersion_RevealsInsteadOfRotating()
    {
        await using var setup = await SetupHarness.StartAsync();
        var tunnel = setup.Api.AddTunnel("existing");

        var result = await setup.InitAsync("--token-version=7", $"--tunnel-id={tunnel.Id}");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(0, tunnel.Rotations);
        Assert.Equal(1, tunnel.Reveals);
        Assert.Equal("7", setup.Read(OutputKeys.TokenVersion));
        Assert.Single(setup.Api.Tunnels);
    }

    [Fact]
    public async Task Init_WithTunnelIdFromEnvironment_AttachesWithoutCreating()
    {
        await using var setup = await SetupHarness.StartAsync();
        var tunnel = setup.Api.AddTunnel("existing");
        setup.Environment["TUNNEL_ID"] = tunnel.Id;

        var result = await setup.InitAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Single(setup.Api.Tunnels);
        Assert.Equal(tunnel.Id, setup.Read(OutputKeys.TunnelId));
        Assert.Equal(tunnel.Domain, setup.Read(OutputKeys.TunnelDomain));
        Assert.Single(setup.Api.ActiveCertificates(tunnel.Id));
    }

    [Fact]
    public async Task Init_TunnelIdChanged_GeneratesAndRegistersNewCaForTheNewTunnel()
    {
        await using var setup = await SetupHarness.StartAsync();
        Assert.Equal(0, (await setup.InitAsync("--token-version=1")).ExitCode);
        var firstCa = setup.Read(OutputKeys.CaCertificate);
        var other = setup.Api.AddTunnel("other");

        var result = await setup.InitAsync("--token-version=1", $"--tunnel-id={other.Id}");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.NotEqual(firstCa, setup.Read(OutputKeys.CaCertificate));
        Assert.Equal(other.Id, setup.Read(OutputKeys.TunnelId));
        Assert.Equal(other.Domain, setup.Read(OutputKeys.TunnelDomain));
        Assert.Single(setup.Api.ActiveCertificates(other.Id));
        Assert.Equal(0, other.Rotations);
        Assert.Equal(other.TokenValue, setup.Read(OutputKeys.TunnelToken));
    }

    [Fact]
    public async Task Init_ExistingManualCaWithTunnelId_ReusesAndRegistersThatCa()
    {
        await using var setup = await SetupHarness.StartAsync();
        var tunnel = setup.Api.AddTunnel();
        using var manual = CertificateAuthority.Create();
        File.WriteAllText(Path.Combine(setup.OutputDirectory, OutputKeys.CaCertificate), manual.CertificatePem);
        File.WriteAllText(Path.Combine(setup.OutputDirectory, OutputKeys.CaKey), manual.PrivateKeyPem);

        var result = await setup.InitAsync($"--tunnel-id={tunnel.Id}");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(manual.CertificatePem, setup.Read(OutputKeys.CaCertificate));
        Assert.Equal(manual.Fingerprint, Assert.Single(setup.Api.ActiveCertificates(tunnel.Id)).Fingerprint);
    }

    [Fact]
    public async Task Init_KeyTypeRsa4096_IsKeptByLaterRunsWithoutTheFlag()
    {
        await using var setup = await SetupHarness.StartAsync();
        Assert.Equal(0, (await setup.InitAsync("--key-type=rsa4096")).ExitCode);

        var result = await setup.InitAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        using var certificate = X509Certificate2.CreateFromPem(setup.Read(OutputKeys.ServerCertificate));
        using var rsa = certificate.GetRSAPublicKey();
        Assert.Equal(4096, rsa?.KeySize);
        Assert.Contains("RSA 4096", result.Out, StringComparison.Ordinal);
    }
}
