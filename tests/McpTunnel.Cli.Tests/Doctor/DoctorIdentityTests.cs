using McpTunnel.Cli.Doctor;
using McpTunnel.Cli.Tests.Infrastructure;

namespace McpTunnel.Cli.Tests.Doctor;

/// <summary>
/// doctor names the proxy it talks to (implementation and version, from McpTunnel's admin listener), says when it
/// cannot tell and how to make it tell, and names the extension keys another implementation would lack.
/// Real proxies on loopback.
/// </summary>
public sealed class DoctorIdentityTests : StackWithUpstreamTests
{
    [Fact]
    public async Task AdminGiven_NamesMcpTunnelsProxyAndItsVersion()
    {
        Stack.WriteConfig(EchoRoute, AdminOnAnyPort);
        await Stack.StartProxyAsync();

        var (exit, output, error) = await CliRunner.RunAsync(Doctor("--admin", Stack.AdminUri!.ToString()));

        Assert.True(exit == 0, output + error);
        Assert.Matches(@"PASS\s+http://127\.0\.0\.1:\d+\s+implementation\s+McpTunnel mcp-proxy \d+\.\d+\.\d+\S* \(mcptunnel_build_info on its admin listener\)", output);
    }

    [Fact]
    public async Task ConfiguredAdminAddr_IsAskedWithoutTheFlag()
    {
        var port = TestStack.FreePort();
        Stack.WriteConfig(EchoRoute, $"admin_addr: \"127.0.0.1:{port}\"\n" + TestStack.LoopbackAllowed);
        await Stack.StartProxyAsync();

        var (exit, output, error) = await CliRunner.RunAsync(Doctor());

        Assert.True(exit == 0, output + error);
        Assert.Matches(@"implementation\s+McpTunnel mcp-proxy \d+\.\d+\.\d+", output);
        Assert.DoesNotContain("[admin]", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoAdminListener_WarnsThatItCannotTell_AndHowToEnableIt_ExitZero()
    {
        Stack.WriteConfig(EchoRoute);
        await Stack.StartProxyAsync();

        var (exit, output, error) = await CliRunner.RunAsync(Doctor());

        Assert.True(exit == 0, output + error);
        Assert.Matches(@"WARN\s+proxy\s+implementation\s+cannot tell which proxy implementation and version answer: the config sets no admin_addr", output);
        Assert.Contains("fix: Run McpTunnel's proxy with admin_addr: \"127.0.0.1:9090\" and pass --admin http://127.0.0.1:9090", output, StringComparison.Ordinal);
        Assert.DoesNotContain("refuses or ignores", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigWithExtensions_ProxyWithoutAdminListener_NamesWhatAnotherImplementationLacks()
    {
        // What doctor sees beside Anthropic's image: the tunnel listener answers, the config's admin_addr does not.
        // Here the proxy runs from a config without admin_addr; doctor reads the one the operator wrote.
        await Stack.StartProxyAsync(Stack.WriteConfig(EchoRoute, path: Path.Combine(Stack.Directory, "running.yaml")));
        var port = TestStack.FreePort();
        Stack.WriteConfig(EchoRoute, $"admin_addr: \"127.0.0.1:{port}\"\nupstream:\n  allowed_ips: [127.0.0.0/8]\n  host_header:\n    echo: upstream\n");

        var (exit, output, error) = await CliRunner.RunAsync(Doctor());

        Assert.True(exit == 0, output + error);
        Assert.Contains($"cannot tell which proxy answers: the tunnel listener does, nothing answers as an admin listener at http://127.0.0.1:{port}", output, StringComparison.Ordinal);
        Assert.Contains("Anthropic's image has no admin listener", output, StringComparison.Ordinal);
        Assert.Contains("it refuses or ignores what this config sets beyond the documented keys: admin_addr (health, readiness and metrics listener", output, StringComparison.Ordinal);
        Assert.Contains("upstream.host_header (the Host each upstream receives", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_CarriesTheImplementationCheckInTheProxyLayer()
    {
        Stack.WriteConfig(EchoRoute, AdminOnAnyPort);
        await Stack.StartProxyAsync();

        var (exit, json, _) = await CliRunner.RunAsync([.. Doctor("--admin", Stack.AdminUri!.ToString()), "--json"]);

        Assert.Equal(0, exit);
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var check = Assert.Single(document.RootElement.GetProperty("checks").EnumerateArray(), c => c.GetProperty("check").GetString() == ProxyIdentityProbe.Check);
        Assert.Equal("proxy", check.GetProperty("layer").GetString());
        Assert.Equal("pass", check.GetProperty("status").GetString());
        Assert.StartsWith("McpTunnel mcp-proxy ", check.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
