using McpTunnel.Proxy.Configuration;

namespace McpTunnel.Proxy.Tests.Configuration.Sections;

public sealed class PolicySectionTests : ConfigTestBase
{
    private string Config(string policy) => $"""
        listen_addr: ":8080"
        tunnel_domain: t.example
        {Tls}routes:
          echo: http://10.0.0.1:9000
          other: http://10.0.0.2:9000
        {policy}
        """;

    [Fact]
    public void NoPolicyKey_LeavesEveryRouteWithoutPolicy()
    {
        var config = Parse(Config("")).Config;
        Assert.All(config.Routes, r => Assert.Null(r.Policy));
    }

    [Fact]
    public void FullPolicy_IsReadForItsRouteOnly()
    {
        var result = Parse(Config("""
            policy:
              echo:
                default: deny
                tools:
                  allow: [search_*, get_ticket]
                  deny: ["delete_*"]
                prompts:
                  deny: ["*"]
                resources:
                  allow: ["tickets://public/*"]
                  default: deny
                max_message_size: 64KiB
                limits: { rate: 120/m, burst: 20, concurrency: 16 }
                tool_limits:
                  run_report: { rate: 5/30s, concurrency: 1 }
            """));
        Assert.Empty(result.Warnings);
        var echo = result.Config.Routes.Single(r => r.Key == "echo").Policy!;
        Assert.Null(result.Config.Routes.Single(r => r.Key == "other").Policy);
        Assert.Equal(PolicyDefault.Deny, echo.Default);
        Assert.Equal(["search_*", "get_ticket"], echo.Tools.Allow.Select(p => p.Text));
        Assert.Equal(["delete_*"], echo.Tools.Deny.Select(p => p.Text));
        Assert.Equal(PolicyDefault.Deny, echo.Resources.Default);
        Assert.Null(echo.Tools.Default);
        Assert.Equal(64 * 1024, echo.MaxMessageBytes);
        Assert.Equal(new CallLimitSettings { Rate = 120, Period = TimeSpan.FromMinutes(1), Burst = 20, Concurrency = 16 }, echo.Limits);
        Assert.Equal(new CallLimitSettings { Rate = 5, Period = TimeSpan.FromSeconds(30), Burst = 5, Concurrency = 1 }, echo.ToolLimits["run_report"]);
    }

    [Theory]
    [InlineData("policy:\n  nosuch:\n    default: deny", "policy.nosuch", "use a key from routes: (echo, other)")]
    [InlineData("policy:\n  echo:\n    default: maybe", "policy.echo.default", "set policy.echo.default to one of allow, deny")]
    [InlineData("policy:\n  echo:\n    tools:\n      deny: delete_*", "policy.echo.tools.deny", "write a list")]
    [InlineData("policy:\n  echo:\n    tools:\n      deny: [\"\"]", "policy.echo.tools.deny[0]", "write a glob")]
    [InlineData("policy:\n  echo:\n    tools:\n      allow: [\"ok\", \"bad\\\\\"]", "policy.echo.tools.allow[1]", "\\ makes the next one literal")]
    [InlineData("policy:\n  echo:\n    limits: { rate: fast }", "policy.echo.limits.rate", "10/s, 120/m")]
    [InlineData("policy:\n  echo:\n    limits: { rate: 0/s }", "policy.echo.limits.rate", "10/s, 120/m")]
    [InlineData("policy:\n  echo:\n    limits: { rate: 5/fortnight }", "policy.echo.limits.rate", "10/s, 120/m")]
    [InlineData("policy:\n  echo:\n    limits: { burst: 5 }", "policy.echo.limits.burst", "add policy.echo.limits.rate")]
    [InlineData("policy:\n  echo:\n    limits: { concurrency: -1 }", "policy.echo.limits.concurrency", "in flight")]
    [InlineData("policy:\n  echo:\n    tool_limits:\n      x: 5", "policy.echo.tool_limits.x", "rate, burst and/or concurrency")]
    [InlineData("policy:\n  echo:\n    max_message_size: 10", "policy.echo.max_message_size", "4MiB")]
    [InlineData("policy:\n  echo: deny", "policy.echo", "default, tools, prompts")]
    [InlineData("policy: [echo]", "policy", "map each route name")]
    public void BadPolicy_FailsNamingTheFieldAndTheFix(string policy, string field, string fix)
    {
        var error = ParseFails(Config(policy));
        var match = Assert.Single(error.Errors, e => e.Field == field);
        Assert.Contains(fix, match.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void AllowListUnderAnExplicitAllowDefault_WarnsThatItHasNoEffect()
    {
        var result = Parse(Config("policy:\n  echo:\n    tools:\n      default: allow\n      allow: [a]"));
        Assert.Contains(result.Warnings, w => w.Contains("policy.echo.tools.allow has no effect", StringComparison.Ordinal));
    }

    [Fact]
    public void UnknownPolicyKey_Warns()
    {
        var result = Parse(Config("policy:\n  echo:\n    tool:\n      deny: [x]"));
        Assert.Contains(result.Warnings, w => w.Contains("\"policy.echo.tool\"", StringComparison.Ordinal));
    }
}
