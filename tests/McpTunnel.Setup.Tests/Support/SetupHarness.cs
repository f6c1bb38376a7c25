using McpTunnel.Setup.Outputs;
using McpTunnel.Setup.Tests.Fakes;
using McpTunnel.Testing;
using Microsoft.Extensions.Time.Testing;

namespace McpTunnel.Setup.Tests.Support;

/// <summary>
/// Runs the real <c>setup</c> program in-process against a fake Anthropic API on 127.0.0.1, with a
/// temp output directory, a JWT file and a manual clock; remembers every secret it could leak so
/// tests can assert none was printed.
/// </summary>
internal sealed class SetupHarness : IAsyncDisposable
{
    private readonly List<SetupResult> _results = [];

    private SetupHarness(FakeAnthropicApi api)
    {
        Api = api;
        Directory.CreateDirectory(OutputDirectory);
        File.WriteAllText(JwtFile, FakeAnthropicApi.Jwt + "\n");
        Environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["API_URL"] = api.BaseUrl.ToString(),
            ["ANTHROPIC_FEDERATION_RULE_ID"] = FakeAnthropicApi.FederationRuleId,
            ["ANTHROPIC_ORGANIZATION_ID"] = FakeAnthropicApi.OrganizationId,
            ["ANTHROPIC_IDENTITY_TOKEN_FILE"] = JwtFile,
        };
    }

    public FakeAnthropicApi Api { get; }

    public TempDirectory Temp { get; } = new();

    public string OutputDirectory => Temp.Combine("data");

    public string JwtFile => Temp.Combine("identity-token");

    public string ServiceAccountDirectory => Temp.Combine("serviceaccount");

    public Dictionary<string, string> Environment { get; }

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public IReadOnlyList<SetupResult> Results => _results;

    public static async Task<SetupHarness> StartAsync() => new(await FakeAnthropicApi.StartAsync());

    /// <summary>A harness whose output a first, successful <c>setup init</c> has filled, for the tests of what comes after.</summary>
    public static async Task<SetupHarness> StartInitializedAsync()
    {
        var setup = await StartAsync();
        try
        {
            var init = await setup.InitAsync();
            Assert.True(init.ExitCode == 0, init.ToString());
            return setup;
        }
        catch
        {
            await setup.DisposeAsync();
            throw;
        }
    }

    public async Task<SetupResult> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var host = new SetupHost
        {
            Environment = new Dictionary<string, string>(Environment),
            Out = output,
            Error = error,
            Time = Time,
            ServiceAccountDirectory = ServiceAccountDirectory,
            HttpTimeout = TimeSpan.FromSeconds(30),
        };
        var exitCode = await SetupApp.RunAsync(args, host);
        var result = new SetupResult(exitCode, output.ToString(), error.ToString());
        _results.Add(result);
        return result;
    }

    public Task<SetupResult> InitAsync(params string[] extra) => RunAsync(["init", $"--output=dir:{OutputDirectory}", .. extra]);

    public Task<SetupResult> RenewAsync(params string[] extra) => RunAsync(["renew-cert", $"--output=dir:{OutputDirectory}", .. extra]);

    public string Read(string key) => File.ReadAllText(Path.Combine(OutputDirectory, key));

    public bool Has(string key) => File.Exists(Path.Combine(OutputDirectory, key));

    /// <summary>Every secret this test's world has seen: the JWT, access tokens, tunnel tokens, private keys.</summary>
    public IEnumerable<string> KnownSecrets()
    {
        yield return FakeAnthropicApi.Jwt;
        foreach (var token in Api.IssuedAccessTokens)
        {
            yield return token;
        }

        foreach (var tunnel in Api.Tunnels)
        {
            yield return tunnel.TokenValue;
        }

        foreach (var key in new[] { OutputKeys.CaKey, OutputKeys.ServerKey, OutputKeys.TunnelToken })
        {
            if (Has(key))
            {
                yield return Read(key).Trim();
            }
        }
    }

    /// <summary>No run printed a token, the JWT or any key material.</summary>
    public void AssertNoSecretsPrinted()
    {
        var secrets = KnownSecrets().Where(s => s.Length > 0).ToList();
        foreach (var result in _results)
        {
            Assert.DoesNotContain("PRIVATE KEY", result.All, StringComparison.Ordinal);
            Assert.DoesNotContain("sk-ant-", result.All, StringComparison.Ordinal);
            foreach (var secret in secrets)
            {
                Assert.DoesNotContain(secret, result.All, StringComparison.Ordinal);

                // Also no recognisable piece of it, e.g. a truncated token.
                Assert.DoesNotContain(secret[..Math.Min(24, secret.Length)], result.All, StringComparison.Ordinal);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        Temp.Dispose();
    }
}
