using McpTunnel.Deploy.Tests.Support;

namespace McpTunnel.Deploy.Tests.Helm;

/// <summary>The documented values keys and defaults of the reference chart, and what the chart refuses.</summary>
public class ValuesTests
{
    private static readonly System.Text.Json.Nodes.JsonNode? Values = Yaml.ParseFile("deploy", "helm", "mcp-tunnel", "values.yaml");

    [Theory]
    [InlineData("api.wif.federationRuleId", "")]
    [InlineData("api.wif.organizationId", "")]
    [InlineData("api.wif.workspaceId", "")]
    [InlineData("api.wif.audience", "api.anthropic.com")]
    [InlineData("api.wif.tokenFile", "")]
    [InlineData("tunnel.id", "")]
    [InlineData("tunnel.tokenVersion", "1")]
    [InlineData("setup.enabled", "true")]
    [InlineData("setup.force", "false")]
    [InlineData("external.tunnelTokenSecretName", "mcp-tunnel-token")]
    [InlineData("external.serverCertSecretName", "mcp-tunnel-cert")]
    [InlineData("serverCert.cronSchedule", "0 0 * * *")]
    [InlineData("serverCert.renewBefore", "720h")]
    [InlineData("networkPolicy.ingress.enabled", "true")]
    [InlineData("networkPolicy.egress.enabled", "false")]
    public void Values_DocumentedKey_HasItsDefault(string key, string expected)
    {
        var dot = key.LastIndexOf('.');
        Assert.True(Values.Obj(key[..dot]).ContainsKey(key[(dot + 1)..]), key + " is missing from values.yaml");
        Assert.Equal(expected, Values.Str(key) ?? "");
    }

    [Fact]
    public void Values_DocumentedListsAndMaps_Exist()
    {
        Assert.Empty(Values.Arr("setup.extraVolumes"));
        Assert.Empty(Values.Arr("setup.extraVolumeMounts"));
        Assert.Empty(Values.Arr("networkPolicy.egress.mcpServers"));
        Assert.Equal(["198.41.192.0/19", "2606:4700:a0::/44"], Values.Strings("networkPolicy.egress.cloudflaredEgressCIDRs"));
        Assert.NotNull(Values.Obj("gateway.config"));
        // A string, so "--set tunnel.tokenVersion=2" and the default compare the same way.
        Assert.Equal(System.Text.Json.JsonValueKind.String, Values.At("tunnel.tokenVersion")!.GetValueKind());
    }

    [Theory]
    [InlineData("gateway.config.routes is required", "-f", "managed", "--set", "gateway.config.routes=null")]
    [InlineData("api.wif.federationRuleId is required", "-f", "managed", "--set", "api.wif.federationRuleId=")]
    [InlineData("api.wif.organizationId is required", "-f", "managed", "--set", "api.wif.organizationId=")]
    [InlineData("gateway.config.tunnel_domain is required", "-f", "external", "--set", "gateway.config.tunnel_domain=")]
    [InlineData("external.tunnelTokenSecretName is required", "-f", "external", "--set", "external.tunnelTokenSecretName=")]
    public void Render_MissingRequiredValue_FailsWithAMessageNamingIt(string message, string f, string scenario, string set, string value)
    {
        var result = ChartRenderer.Render(f, ChartRenderer.Scenario(scenario), set, value);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_DefaultValuesOnly_FailsUntilRoutesAndIdentifiersAreGiven()
    {
        var result = ChartRenderer.Render();
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("is required", result.Stderr, StringComparison.Ordinal);
    }
}
