using System.Text.Json.Nodes;
using McpTunnel.Setup.Tests.Fakes;
using McpTunnel.Setup.Tests.Support;

namespace McpTunnel.Setup.Tests.Api;

/// <summary>What goes over the wire to the token endpoint (the jwt-bearer body, service_account_id only when set) and the Tunnels API (its headers).</summary>
public sealed class TokenExchangeTests
{
    [Fact]
    public async Task Exchange_WithoutServiceAccountVariable_SendsTheFourRequiredFieldsOnly()
    {
        await using var setup = await SetupHarness.StartInitializedAsync();

        var exchange = Assert.Single(setup.Api.Requests, r => r.Path == "/v1/oauth/token");
        var body = JsonNode.Parse(exchange.Body)!.AsObject();
        Assert.Equal(["assertion", "federation_rule_id", "grant_type", "organization_id"], body.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("urn:ietf:params:oauth:grant-type:jwt-bearer", body["grant_type"]!.GetValue<string>());
        Assert.Equal(FakeAnthropicApi.Jwt, body["assertion"]!.GetValue<string>());
        Assert.StartsWith("application/json", exchange.Headers["content-type"], StringComparison.Ordinal);
        Assert.False(exchange.Headers.ContainsKey("authorization"));
    }

    [Fact]
    public async Task Exchange_WithServiceAccountAndWorkspace_SendsBoth()
    {
        await using var setup = await SetupHarness.StartAsync();
        setup.Api.RequiredServiceAccountId = "svac_01Setup";
        setup.Environment["ANTHROPIC_SERVICE_ACCOUNT_ID"] = "svac_01Setup";
        setup.Environment["ANTHROPIC_WORKSPACE_ID"] = "wrkspc_01Tunnels";

        var result = await setup.InitAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        var body = JsonNode.Parse(Assert.Single(setup.Api.Requests, r => r.Path == "/v1/oauth/token").Body)!;
        Assert.Equal("svac_01Setup", body["service_account_id"]!.GetValue<string>());
        Assert.Equal("wrkspc_01Tunnels", body["workspace_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Exchange_InlineIdentityToken_IsAcceptedAndNeverPrinted()
    {
        await using var setup = await SetupHarness.StartAsync();
        setup.Environment.Remove("ANTHROPIC_IDENTITY_TOKEN_FILE");
        setup.Environment["ANTHROPIC_IDENTITY_TOKEN"] = FakeAnthropicApi.Jwt;

        var result = await setup.InitAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        setup.AssertNoSecretsPrinted();
    }

    [Fact]
    public async Task Exchange_TokenFileRewrittenBetweenRuns_UsesTheNewContent()
    {
        await using var setup = await SetupHarness.StartInitializedAsync();
        File.WriteAllText(setup.JwtFile, "eyJrotated.on.disk");

        var result = await setup.InitAsync();

        Assert.Equal(1, result.ExitCode);
        var last = setup.Api.Requests.Last(r => r.Path == "/v1/oauth/token");
        Assert.Equal("eyJrotated.on.disk", JsonNode.Parse(last.Body)!["assertion"]!.GetValue<string>());
        Assert.DoesNotContain("eyJrotated", result.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TunnelsCalls_CarryBearerVersionAndBetaHeadersAndNoApiKey()
    {
        await using var setup = await SetupHarness.StartInitializedAsync();

        var calls = setup.Api.Requests.Where(r => r.Path.StartsWith("/v1/tunnels", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, calls.Count);
        foreach (var call in calls)
        {
            Assert.StartsWith("Bearer sk-ant-oat01-", call.Headers["authorization"], StringComparison.Ordinal);
            Assert.Equal("2023-06-01", call.Headers["anthropic-version"]);
            Assert.Equal("mcp-tunnels-2026-06-22", call.Headers["anthropic-beta"]);
            Assert.False(call.Headers.ContainsKey("x-api-key"));
        }

        var register = Assert.Single(calls, c => c.Method == "POST" && c.Path.EndsWith("/certificates", StringComparison.Ordinal));
        var pem = JsonNode.Parse(register.Body)!["ca_certificate_pem"]!.GetValue<string>();
        Assert.DoesNotContain("PRIVATE KEY", pem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CertificateList_SpanningPages_IsReadToTheEnd()
    {
        await using var setup = await SetupHarness.StartAsync();
        var tunnel = setup.Api.AddTunnel();
        using var other = McpTunnel.Pki.Issuing.CertificateAuthority.Create();
        setup.Api.AddCertificate(tunnel.Id, other.CertificatePem);
        Assert.Equal(0, (await setup.InitAsync($"--tunnel-id={tunnel.Id}")).ExitCode);

        // Two active certificates now; on re-run ours is on the second page when pages hold one.
        var api = new McpTunnel.Setup.Api.TunnelsClient(new HttpClient(), setup.Api.BaseUrl, new McpTunnel.Setup.Api.AccessToken(setup.Api.IssuedAccessTokens.First(), null, null)) { PageSize = 1 };
        var all = await api.ListCertificatesAsync(tunnel.Id, CancellationToken.None);

        Assert.Equal(2, all.Count);
        Assert.Contains(setup.Api.Requests, r => r.Path.Contains("page=1", StringComparison.Ordinal));
        Assert.All(all, c => Assert.Matches("^[0-9a-f]{64}$", c.Fingerprint));
    }
}
