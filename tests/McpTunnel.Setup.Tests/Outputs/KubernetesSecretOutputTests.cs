using System.Text.Json.Nodes;
using McpTunnel.Pki.Issuing;
using McpTunnel.Pki.Rules;
using McpTunnel.Setup.Outputs;
using McpTunnel.Setup.Tests.Fakes;
using McpTunnel.Setup.Tests.Support;

namespace McpTunnel.Setup.Tests.Outputs;

/// <summary><c>k8s-secret:</c> output against a fake Kubernetes API, as from inside a pod.</summary>
public sealed class KubernetesSecretOutputTests
{
    private const string ServiceAccountToken = "eyJk8s.service-account.token-for-tests";
    private const string Namespace = "mcp";

    [Fact]
    public async Task Init_InPodWithoutOutputFlag_CreatesTheMcpTunnelSecret()
    {
        await using var setup = await SetupHarness.StartAsync();
        await using var kubernetes = await StartInPodAsync(setup);

        var result = await setup.RunAsync("init", "--token-version=1");

        Assert.True(result.ExitCode == 0, result.ToString());
        var data = kubernetes.GetSecretData("mcp-tunnel");
        Assert.NotNull(data);
        Assert.Equal(OutputKeys.All.Order(StringComparer.Ordinal), data.Keys.Order(StringComparer.Ordinal));
        var tunnel = Assert.Single(setup.Api.Tunnels);
        Assert.Equal(tunnel.Domain, data[OutputKeys.TunnelDomain]);
        Assert.Equal(tunnel.TokenValue, data[OutputKeys.TunnelToken]);
        Assert.True(CertificateChecker.CheckServer(data[OutputKeys.ServerCertificate], data[OutputKeys.CaCertificate], tunnel.Domain).Passed);
        Assert.Equal("Opaque", kubernetes.GetSecret("mcp-tunnel")!["type"]!.GetValue<string>());
        Assert.Empty(Directory.GetFiles(setup.OutputDirectory));
        Assert.DoesNotContain(ServiceAccountToken, result.All, StringComparison.Ordinal);
        setup.AssertNoSecretsPrinted();
    }

    [Fact]
    public async Task Init_PodDetectedByServiceAccountMountAlone_DefaultsToTheSecret()
    {
        await using var setup = await SetupHarness.StartAsync();
        await using var kubernetes = await StartInPodAsync(setup);
        setup.Environment.Remove("KUBERNETES_SERVICE_HOST");

        var result = await setup.RunAsync("init");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("k8s-secret:mcp-tunnel", result.Out, StringComparison.Ordinal);
        Assert.NotNull(kubernetes.GetSecretData("mcp-tunnel"));
    }

    [Fact]
    public async Task Init_RerunAgainstSecret_WritesOnceWithTheResourceVersionAndKeepsTunnelAndCa()
    {
        await using var setup = await SetupHarness.StartAsync();
        await using var kubernetes = await StartInPodAsync(setup);
        Assert.Equal(0, (await setup.RunAsync("init", "--output=k8s-secret:release", "--token-version=1")).ExitCode);
        var ca = kubernetes.GetSecretData("release")![OutputKeys.CaCertificate];
        var writes = kubernetes.Writes;

        var result = await setup.RunAsync("init", "--output=k8s-secret:release", "--token-version=1");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(writes + 1, kubernetes.Writes);
        Assert.Equal("PUT", kubernetes.Requests[^1].Method);
        Assert.NotNull(JsonNode.Parse(kubernetes.Requests[^1].Body)!["metadata"]!["resourceVersion"]);
        Assert.Equal(ca, kubernetes.GetSecretData("release")![OutputKeys.CaCertificate]);
        Assert.Single(setup.Api.Tunnels);
        Assert.Single(setup.Api.Certificates);
        Assert.All(kubernetes.Requests, r => Assert.Equal("Bearer " + ServiceAccountToken, r.Headers["authorization"]));
    }

    [Fact]
    public async Task Init_ExistingSecretWithLabelsAndOtherKeys_KeepsThem()
    {
        await using var setup = await SetupHarness.StartAsync();
        await using var kubernetes = await StartInPodAsync(setup);
        kubernetes.PutSecret("mcp-tunnel", new Dictionary<string, string> { ["extra"] = "kept" }, new Dictionary<string, string> { ["app.kubernetes.io/managed-by"] = "Helm" });

        var result = await setup.RunAsync("init");

        Assert.True(result.ExitCode == 0, result.ToString());
        var secret = kubernetes.GetSecret("mcp-tunnel")!;
        Assert.Equal("Helm", secret["metadata"]!["labels"]!["app.kubernetes.io/managed-by"]!.GetValue<string>());
        Assert.Equal("kept", kubernetes.GetSecretData("mcp-tunnel")!["extra"]);
        Assert.Contains(OutputKeys.TunnelToken, kubernetes.GetSecretData("mcp-tunnel")!.Keys);
    }

    [Fact]
    public async Task RenewCert_AgainstSecret_IsOneWriteAndNoApiCall()
    {
        await using var setup = await SetupHarness.StartAsync();
        await using var kubernetes = await StartInPodAsync(setup);
        Assert.Equal(0, (await setup.RunAsync("init")).ExitCode);
        var before = kubernetes.GetSecretData("mcp-tunnel")!;
        var writes = kubernetes.Writes;
        var apiCalls = setup.Api.Requests.Count;

        var result = await setup.RunAsync("renew-cert");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(writes + 1, kubernetes.Writes);
        Assert.Equal(apiCalls, setup.Api.Requests.Count);
        var after = kubernetes.GetSecretData("mcp-tunnel")!;
        Assert.NotEqual(before[OutputKeys.ServerCertificate], after[OutputKeys.ServerCertificate]);
        Assert.NotEqual(before[OutputKeys.ServerKey], after[OutputKeys.ServerKey]);
        Assert.Equal(before[OutputKeys.TunnelToken], after[OutputKeys.TunnelToken]);
    }

    [Theory]
    [InlineData("service-account token rejected", "token", "eyJwrong.token", "HTTP 401", "service-account token")]
    [InlineData("Secret in another namespace", "namespace", "other", "HTTP 403", "get, create and update on secrets in namespace other")]
    public async Task Init_KubernetesRefusesTheServiceAccount_FailsNamingStatusAndFix_CallsNoAnthropicApi(string scenario, string serviceAccountFile, string content, string status, string fix)
    {
        await using var setup = await SetupHarness.StartAsync();
        await using var kubernetes = await StartInPodAsync(setup);
        File.WriteAllText(Path.Combine(setup.ServiceAccountDirectory, serviceAccountFile), content);

        var result = await setup.RunAsync("init");

        result.AssertFailed(1, status, fix);
        Assert.True(setup.Api.Requests.Count == 0, scenario);
    }

    [Fact]
    public async Task Init_OverHttpsWithServiceAccountCa_TrustsTheClusterCa()
    {
        using var clusterCa = CertificateAuthority.Create(new CertificateAuthorityRequest { CommonName = "kubernetes" });
        var serving = clusterCa.IssueServerCertificate(new ServerCertificateRequest("localhost") { DnsNames = ["localhost"] });
        using var certificate = serving.ToX509Certificate2();
        await using var setup = await SetupHarness.StartAsync();
        await using var kubernetes = await StartInPodAsync(setup, certificate, clusterCa.CertificatePem);

        var result = await setup.RunAsync("init");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.NotNull(kubernetes.GetSecretData("mcp-tunnel"));
    }

    [Fact]
    public async Task Init_OverHttpsWithAnUntrustedServer_FailsBeforeAnyWrite()
    {
        using var clusterCa = CertificateAuthority.Create();
        using var otherCa = CertificateAuthority.Create();
        var serving = otherCa.IssueServerCertificate(new ServerCertificateRequest("localhost") { DnsNames = ["localhost"] });
        using var certificate = serving.ToX509Certificate2();
        await using var setup = await SetupHarness.StartAsync();
        await using var kubernetes = await StartInPodAsync(setup, certificate, clusterCa.CertificatePem);

        var result = await setup.RunAsync("init");

        result.AssertFailed(1, "cannot reach the Kubernetes API");
        Assert.Empty(kubernetes.Requests);
        Assert.Empty(setup.Api.Requests);
    }

    [Fact]
    public async Task Init_SecretChangedConcurrently_FailsWithConflictAndSaysToRerun()
    {
        await using var setup = await SetupHarness.StartAsync();
        await using var kubernetes = await StartInPodAsync(setup);
        kubernetes.PutSecret("mcp-tunnel", new Dictionary<string, string> { ["extra"] = "v1" });
        kubernetes.ChangeAfterNextGet = secret => secret["data"]!["extra"] = Convert.ToBase64String("v2"u8);

        var result = await setup.RunAsync("init");

        result.AssertFailed(1, "HTTP 409", "re-run setup");
        Assert.Equal("v2", kubernetes.GetSecretData("mcp-tunnel")!["extra"]);
        Assert.False(kubernetes.GetSecretData("mcp-tunnel")!.ContainsKey(OutputKeys.TunnelId));
    }

    private static async Task<FakeKubernetesApi> StartInPodAsync(SetupHarness setup, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null, string? caPem = null)
    {
        var kubernetes = await FakeKubernetesApi.StartAsync(ServiceAccountToken, Namespace, certificate);
        Directory.CreateDirectory(setup.ServiceAccountDirectory);
        File.WriteAllText(Path.Combine(setup.ServiceAccountDirectory, "token"), ServiceAccountToken);
        File.WriteAllText(Path.Combine(setup.ServiceAccountDirectory, "namespace"), Namespace + "\n");
        if (caPem is not null)
        {
            File.WriteAllText(Path.Combine(setup.ServiceAccountDirectory, "ca.crt"), caPem);
        }

        setup.Environment["KUBERNETES_SERVICE_HOST"] = "10.96.0.1";
        setup.Environment["KUBERNETES_SERVICE_PORT"] = "443";
        setup.Environment[KubernetesEnvironment.ApiUrlOverrideVariable] = kubernetes.BaseUrl.ToString();
        return kubernetes;
    }
}
