using McpTunnel.Cli.Tests.Infrastructure;

namespace McpTunnel.Cli.Tests.Doctor;

/// <summary>
/// <c>mcptunnel doctor</c> on a stack whose route carries an upstream credential: the checks run through it (the MCP
/// request reaches the upstream with the credential set), and neither the text nor the JSON report shows the value.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DoctorCredentialTests : StackWithUpstreamTests
{
    [Fact]
    public async Task RouteWithACredential_DoctorPasses_AndNoOutputShowsTheValue()
    {
        var secret = $"DOCTOR-LEAK-{Guid.NewGuid():N}";
        var file = Path.Combine(Stack.Directory, "echo-token");
        await File.WriteAllTextAsync(file, secret + "\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Stack.WriteConfig(EchoRoute, AdminOnAnyPort.Replace("upstream:\n", $"upstream:\n  credentials:\n    echo:\n      value_file: {file}\n      prefix: \"Bearer \"\n", StringComparison.Ordinal));
        await Stack.StartProxyAsync();

        var (exit, output, error) = await CliRunner.RunAsync(Doctor("--admin", Stack.AdminUri!.ToString()));
        var (jsonExit, json, jsonError) = await CliRunner.RunAsync([.. Doctor("--admin", Stack.AdminUri!.ToString()), "--json"]);

        Assert.True(exit == 0, output + error);
        Assert.Equal(0, jsonExit);
        Assert.Contains("mcp initialize", output, StringComparison.Ordinal); // the MCP check ran through the credentialed route
        foreach (var text in new[] { output, error, json, jsonError })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(secret[12..], text, StringComparison.Ordinal);
        }
    }
}
