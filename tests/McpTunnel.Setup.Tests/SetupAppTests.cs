using McpTunnel.Setup.Tests.Support;

namespace McpTunnel.Setup.Tests;

/// <summary>Exit codes and messages of the program as a whole, for invocations that never reach the API.</summary>
public sealed class SetupAppTests
{
    [Fact]
    public async Task Help_PrintsEveryFlagAndExitsZero()
    {
        await using var setup = await SetupHarness.StartAsync();

        var result = await setup.RunAsync("--help");

        Assert.Equal(0, result.ExitCode);
        foreach (var flag in new[] { "--api-url", "--tunnel-id", "--output", "--cert-duration", "--token-version", "--renew-before", "--key-type", "API_URL", "TUNNEL_ID" })
        {
            Assert.Contains(flag, result.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Version_PrintsTheVersion()
    {
        await using var setup = await SetupHarness.StartAsync();

        var result = await setup.RunAsync("--version");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^setup \d+\.\d+\.\d+", result.Out);
        Assert.Matches(@"^setup \d+\.\d+\.\d+( \(commit [0-9a-f]{7}\))?\r?\n$", result.Out);
    }

    [Fact]
    public async Task NoCommand_IsAUsageError()
    {
        await using var setup = await SetupHarness.StartAsync();

        var result = await setup.RunAsync();

        result.AssertFailed(2, "no command given");
        Assert.DoesNotContain("Usage:", result.Error, StringComparison.Ordinal);
        Assert.EndsWith("Run 'setup --help' for usage.", result.Error.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownFlag_IsOneErrorLineItsFixAndTheHelpPointer()
    {
        await using var setup = await SetupHarness.StartAsync();

        var result = await setup.RunAsync("renew-cert", "--bogus=1");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(
            ["error: unknown flag --bogus", "fix: run `setup --help` for the flags each command takes", "Run 'setup renew-cert --help' for usage."],
            result.Error.TrimEnd().Split(Environment.NewLine));
    }

    [Theory]
    [InlineData("dir:")]
    [InlineData("/data")]
    [InlineData("secret:mcp-tunnel")]
    [InlineData("k8s-secret:Not_Valid")]
    public async Task Init_InvalidOutput_IsAUsageErrorExplainingTheForms(string output)
    {
        await using var setup = await SetupHarness.StartAsync();

        var result = await setup.RunAsync("init", $"--output={output}");

        result.AssertFailed(2, $"invalid --output \"{output}\"");
        Assert.Empty(setup.Api.Requests);
    }

    [Fact]
    public async Task Init_NoOutputOutsideAPod_IsAUsageError()
    {
        await using var setup = await SetupHarness.StartAsync();

        var result = await setup.RunAsync("init");

        result.AssertFailed(2, "--output is required outside a Kubernetes pod");
    }

    [Fact]
    public async Task Init_MissingEnvironment_ListsEveryProblemAtOnce()
    {
        await using var setup = await SetupHarness.StartAsync();
        setup.Environment.Clear();

        var result = await setup.InitAsync();

        result.AssertFailed(2, "4 problems");
        foreach (var name in new[] { "API_URL", "ANTHROPIC_FEDERATION_RULE_ID", "ANTHROPIC_ORGANIZATION_ID", "ANTHROPIC_IDENTITY_TOKEN" })
        {
            Assert.Contains(name, result.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Init_BothIdentityTokenVariables_IsAUsageError()
    {
        await using var setup = await SetupHarness.StartAsync();
        setup.Environment["ANTHROPIC_IDENTITY_TOKEN"] = "eyJinline.token.value";

        var result = await setup.InitAsync();

        result.AssertFailed(2, "both ANTHROPIC_IDENTITY_TOKEN_FILE and ANTHROPIC_IDENTITY_TOKEN are set");
        Assert.DoesNotContain("eyJinline", result.All, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--cert-duration=90d", "unknown unit")]
    [InlineData("--cert-duration=0", "must be positive")]
    [InlineData("--key-type=rsa1024", "ecdsa-p256, rsa2048, rsa4096")]
    [InlineData("--api-url=http://api.example.com", "use https")]
    public async Task Init_BadFlagValue_IsAUsageErrorSayingWhatIsAccepted(string flag, string expected)
    {
        await using var setup = await SetupHarness.StartAsync();

        var result = await setup.InitAsync(flag);

        result.AssertFailed(2, expected);
        Assert.Empty(setup.Api.Requests);
    }

    [Fact]
    public async Task Init_ApiUrlFlag_OverridesTheEnvironment()
    {
        await using var setup = await SetupHarness.StartAsync();
        var url = setup.Environment["API_URL"];
        setup.Environment["API_URL"] = "https://unused.invalid";

        var result = await setup.InitAsync($"--api-url={url}");

        Assert.True(result.ExitCode == 0, result.ToString());
    }
}
