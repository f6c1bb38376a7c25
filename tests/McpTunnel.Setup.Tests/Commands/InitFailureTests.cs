using McpTunnel.Setup.Outputs;
using McpTunnel.Setup.Tests.Fakes;
using McpTunnel.Setup.Tests.Support;

namespace McpTunnel.Setup.Tests.Commands;

/// <summary>Each failure names its cause, the request_id and the fix (a failed token exchange, a missing scope, full certificate slots), and leaks nothing.</summary>
public sealed class InitFailureTests
{
    [Fact]
    public async Task Init_ExchangeDenied_ReportsStatusRequestIdAndTheAudienceFix()
    {
        await using var setup = await SetupHarness.StartAsync();
        File.WriteAllText(setup.JwtFile, "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ3cm9uZyJ9.bm90LXZhbGlk");

        var result = await setup.InitAsync();

        result.AssertFailed(1, "HTTP 401 authentication_error: Authentication failed");
        Assert.Matches("request_id req_[0-9a-f]+", result.Error);
        Assert.Contains("audience", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("eyJ", result.All, StringComparison.Ordinal);
        Assert.Empty(setup.Api.Tunnels);
        Assert.Empty(Directory.GetFiles(setup.OutputDirectory));
    }

    [Fact]
    public async Task Init_ScopeWithoutManageTunnels_Reports403WithTheScopeAndMembershipFix()
    {
        await using var setup = await SetupHarness.StartAsync();
        setup.Api.Scope = "workspace:read";

        var result = await setup.InitAsync();

        result.AssertFailed(1, "HTTP 403 permission_error", "workspace:manage_tunnels", "member");
        Assert.Empty(setup.Api.Tunnels);
        setup.AssertNoSecretsPrinted();
    }

    [Fact]
    public async Task Init_ServiceAccountNotInWorkspace_Reports403WithTheMembershipFix()
    {
        await using var setup = await SetupHarness.StartAsync();
        setup.Api.TunnelsFailure = FakeApiException.Forbidden("service account is not a member of this workspace");

        var result = await setup.InitAsync();

        result.AssertFailed(1, "fix: ", "membership");
        setup.AssertNoSecretsPrinted();
    }

    [Fact]
    public async Task Init_TunnelsApiRejectsToken_Reports401WithAFix()
    {
        await using var setup = await SetupHarness.StartAsync();
        setup.Api.TunnelsFailure = FakeApiException.Unauthenticated("invalid bearer token");

        var result = await setup.InitAsync();

        result.AssertFailed(1, "HTTP 401", "--api-url");
        setup.AssertNoSecretsPrinted();
    }

    [Fact]
    public async Task Init_UnknownTunnelId_Reports404AndCreatesNothing()
    {
        await using var setup = await SetupHarness.StartAsync();

        var result = await setup.InitAsync("--tunnel-id=tnl_doesnotexist");

        result.AssertFailed(1, "HTTP 404", "TUNNEL_ID");
        Assert.Empty(setup.Api.Tunnels);
        Assert.Empty(Directory.GetFiles(setup.OutputDirectory));
    }

    [Fact]
    public async Task Init_StoredTunnelArchived_FailsWithoutCreatingAnotherTunnel()
    {
        await using var setup = await SetupHarness.StartInitializedAsync();
        setup.Api.ArchiveTunnel(setup.Read(OutputKeys.TunnelId));

        var result = await setup.InitAsync();

        result.AssertFailed(1, "archived", "empty the output");
        Assert.Single(setup.Api.Tunnels);
    }

    [Fact]
    public async Task Init_ApiUnreachable_SaysWhichAddressAndHowToFix()
    {
        await using var setup = await SetupHarness.StartAsync();
        var closed = setup.Api.BaseUrl;
        await setup.Api.DisposeAsync();

        var result = await setup.InitAsync($"--api-url={closed}");

        result.AssertFailed(1, $"cannot reach {closed.GetLeftPart(UriPartial.Authority)}", "API_URL");
    }

    [Fact]
    public async Task Init_IdentityTokenFileMissing_NamesTheVariable()
    {
        await using var setup = await SetupHarness.StartAsync();
        File.Delete(setup.JwtFile);

        var result = await setup.InitAsync();

        result.AssertFailed(1, "ANTHROPIC_IDENTITY_TOKEN_FILE");
        Assert.Empty(setup.Api.Requests);
    }

    [Fact]
    public async Task Init_OutputDirectoryMissing_SaysToCreateIt()
    {
        await using var setup = await SetupHarness.StartAsync();

        var result = await setup.RunAsync("init", $"--output=dir:{setup.Temp.Combine("nope")}");

        result.AssertFailed(1, "does not exist", "chown 65532:65532");
        Assert.Empty(setup.Api.Requests);
    }

    [Fact]
    public async Task Init_StoredCaKeyDoesNotMatch_FailsWithoutRegisteringAnything()
    {
        await using var setup = await SetupHarness.StartInitializedAsync();
        using var other = McpTunnel.Pki.Issuing.CertificateAuthority.Create();
        File.WriteAllText(Path.Combine(setup.OutputDirectory, OutputKeys.CaKey), other.PrivateKeyPem);
        var registrations = setup.Api.Certificates.Count;

        var result = await setup.InitAsync();

        result.AssertFailed(1, "the stored CA (ca.crt, ca.key) cannot be used", "delete both");
        Assert.Equal(registrations, setup.Api.Certificates.Count);
        setup.AssertNoSecretsPrinted();
    }
}
