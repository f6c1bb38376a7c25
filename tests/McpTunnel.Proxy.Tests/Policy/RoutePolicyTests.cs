using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Policy;

namespace McpTunnel.Proxy.Tests.Policy;

public sealed class RoutePolicyTests
{
    private static RoutePolicy Policy(string yamlPolicy)
    {
        var dir = Directory.CreateTempSubdirectory("mcptunnel-policy-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "c"), "x");
            var yaml = $"listen_addr: \":8080\"\ntunnel_domain: t.example\ntls:\n  cert_file: {dir}/c\n  key_file: {dir}/c\nroutes:\n  echo: http://10.0.0.1:9000\npolicy:\n  echo:\n{yamlPolicy}";
            var route = ProxyConfigLoader.Parse(yaml).Config.Routes.Single();
            return new RoutePolicy(route.Key, route.Policy!);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static MessageDecision Tool(RoutePolicy policy, string name) =>
        policy.Decide(new McpMessage(McpMessageKind.Request, "tools/call", null, PolicyTarget.Tool, name));

    [Fact]
    public void AllowListAlone_ExposesOnlyWhatItNames()
    {
        var policy = Policy("    tools:\n      allow: [search_*]\n");
        Assert.Equal(PolicyReason.Allowed, Tool(policy, "search_tickets").Reason);
        var denied = Tool(policy, "delete_ticket");
        Assert.Equal(PolicyReason.Denied, denied.Reason);
        Assert.Equal("policy.echo.tools: no allow entry matches and the default is deny", denied.Rule);
    }

    [Fact]
    public void DenyListAlone_ExposesEverythingElse()
    {
        var policy = Policy("    tools:\n      deny: [delete_*]\n");
        Assert.Equal(PolicyReason.Allowed, Tool(policy, "search").Reason);
        Assert.Equal("policy.echo.tools.deny[0] \"delete_*\"", Tool(policy, "delete_x").Rule);
    }

    [Fact]
    public void DenyWins_OverAnAllowEntryThatAlsoMatches()
    {
        var policy = Policy("    tools:\n      allow: [\"*\"]\n      deny: [delete_*]\n");
        Assert.Equal(PolicyReason.Denied, Tool(policy, "delete_x").Reason);
        Assert.Equal(PolicyReason.Allowed, Tool(policy, "read_x").Reason);
    }

    [Fact]
    public void RouteDefaultDeny_AppliesToEveryKindWithoutItsOwnDefault()
    {
        var policy = Policy("    default: deny\n    prompts:\n      default: allow\n");
        Assert.Equal(PolicyReason.Denied, Tool(policy, "anything").Reason);
        Assert.Equal(PolicyReason.Allowed, policy.Decide(new McpMessage(McpMessageKind.Request, "prompts/get", null, PolicyTarget.Prompt, "p")).Reason);
        Assert.Equal(PolicyReason.Denied, policy.Decide(new McpMessage(McpMessageKind.Request, "resources/read", null, PolicyTarget.Resource, "file:///x")).Reason);
    }

    [Fact]
    public void CallWithoutAReadableName_IsRefusedFailClosed_EvenWhenEverythingIsAllowed()
    {
        var policy = Policy("    tools:\n      deny: [x]\n");
        Assert.Equal(PolicyReason.Unreadable, policy.Decide(new McpMessage(McpMessageKind.Request, "tools/call", null, PolicyTarget.Tool, null)).Reason);
        Assert.Equal(PolicyReason.NotSubject, policy.Decide(new McpMessage(McpMessageKind.Request, "ping", null, PolicyTarget.None, null)).Reason);
    }
}
