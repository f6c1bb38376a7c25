using McpTunnel.Deploy.Tests.Support;

namespace McpTunnel.Deploy.Tests.Compose;

/// <summary>The three Compose stacks as the docs lay them out, and the image's paths (the default config path, read-only /data).</summary>
public class ComposeStackTests
{
    public static TheoryData<string> Stacks => new() { "quickstart", "production", "programmatic" };

    public static TheoryData<string> HardenedStacks => new() { "production", "programmatic" };

    private const string CloudflaredImage = "cloudflare/cloudflared@sha256:6b599ca3e974349ead3286d178da61d291961182ec3fe9c505e1dd02c8ac31b0";

    [Fact]
    public void Quickstart_IsMinimal_ThreeServicesNoHardeningNoSetup()
    {
        var stack = ComposeStack.Load("quickstart");
        Assert.Equal(["mcp-proxy", "cloudflared", "hello-mcp"], stack.DefaultServices);
        Assert.Equal(3, stack.Services.Count);
    }

    [Fact]
    public void Production_StartsOnlyTheProxyAndCloudflared()
    {
        var stack = ComposeStack.Load("production");
        Assert.Equal(["mcp-proxy", "cloudflared"], stack.DefaultServices);
        Assert.False(stack.Services.ContainsKey("setup"));
    }

    [Fact]
    public void Programmatic_AddsSetupUnderItsProfile()
    {
        var stack = ComposeStack.Load("programmatic");
        Assert.Equal(["mcp-proxy", "cloudflared"], stack.DefaultServices);
        Assert.Equal(["setup"], stack.Service("setup").Strings("profiles"));
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public void Proxy_MountsConfigAtTheImageDefaultPathAndDataReadOnly(string name)
    {
        var stack = ComposeStack.Load(name);
        var proxy = stack.Service("mcp-proxy");
        Assert.Null(proxy.At("command")); // the image's default: /etc/mcp-gateway/config.yaml
        Assert.Null(proxy.At("entrypoint"));
        Assert.Contains(("./config/mcp-proxy.yaml", "/etc/mcp-gateway/config.yaml", true), stack.Volumes("mcp-proxy"));
        Assert.Contains(("./data", "/data", true), stack.Volumes("mcp-proxy"));
        Assert.True(File.Exists(stack.PathOf("config/mcp-proxy.yaml")));
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public void Config_TlsFilesLieInTheDataMountAndListenerMatchesCloudflared(string name)
    {
        var stack = ComposeStack.Load(name);
        var dataTarget = stack.Volumes("mcp-proxy").Single(v => v.Source == "./data").Target;
        Assert.Equal(dataTarget + "/tls.crt", stack.Config.Str("tls.cert_file"));
        Assert.Equal(dataTarget + "/tls.key", stack.Config.Str("tls.key_file"));

        var port = stack.Config.Str("listen_addr")!.Split(':')[^1];
        Assert.Contains($"--url http://localhost:{port}", stack.Service("cloudflared").Str("command"), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(stack.Config.Str("tunnel_domain")));
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public void Config_RoutesAreAFlatMapOfSchemeHostPort(string name)
    {
        var routes = ComposeStack.Load(name).Config.Obj("routes");
        Assert.NotEmpty(routes);
        foreach (var (key, value) in routes)
        {
            var uri = new Uri(value!.ToString());
            Assert.Contains(uri.Scheme, new[] { "http", "https" });
            Assert.Equal(value.ToString(), $"{uri.Scheme}://{uri.Host}:{uri.Port}");
            Assert.False(string.IsNullOrEmpty(key));
        }

        Assert.Equal("http://hello-mcp:9000", routes["echo"]!.ToString());
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public void SampleServer_IsTheDocumentedHelloMcp(string name)
    {
        var stack = ComposeStack.Load(name);
        var hello = stack.Service("hello-mcp");
        Assert.Equal("python:3.13-slim", hello.Str("image"));
        Assert.Contains(("./hello_server.py", "/app/hello_server.py", true), stack.Volumes("hello-mcp"));
        var server = File.ReadAllText(stack.PathOf("hello_server.py"));
        Assert.Contains("port=9000", server, StringComparison.Ordinal);
        Assert.Contains("streamable-http", server, StringComparison.Ordinal);

        // Each stack directory is complete on its own (copied to the host as is), so it carries the file; the copy is
        // the quickstart stack's byte for byte, which is also the one `mcptunnel quickstart` embeds and writes.
        Assert.Equal(File.ReadAllBytes(ComposeStack.Load("quickstart").PathOf("hello_server.py")), File.ReadAllBytes(stack.PathOf("hello_server.py")));
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public void Cloudflared_SharesTheProxyNetnsWithTokenFromTheEnvironment(string name)
    {
        var cf = ComposeStack.Load(name).Service("cloudflared");
        Assert.Equal(CloudflaredImage, cf.Str("image"));
        Assert.Equal("tunnel --no-autoupdate run --url http://localhost:8080", cf.Str("command"));
        Assert.Equal("service:mcp-proxy", cf.Str("network_mode"));
        Assert.Equal(["TUNNEL_TOKEN"], cf.Strings("environment")); // passed through, never a value in the file
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public void NoService_PublishesPortsOrRunsPrivileged(string name)
    {
        foreach (var (service, body) in ComposeStack.Load(name).Services)
        {
            Assert.True(body!.At("ports") is null, $"{name}/{service} publishes ports");
            Assert.True(body.At("privileged") is null, $"{name}/{service} is privileged");
            Assert.True(body.At("network_mode") is null || body.Str("network_mode") != "host", $"{name}/{service} uses the host network");
        }
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public void Stack_KeepsSecretsOutOfGit(string name)
    {
        var stack = ComposeStack.Load(name);
        var ignore = File.ReadAllLines(stack.PathOf(".gitignore"));
        Assert.Contains(".env", ignore);
        Assert.Contains("data/", ignore);
        // Environment entries only pass variables through: a value written in the file would be committed.
        foreach (var (service, body) in stack.Services)
        {
            Assert.True(body!.At("environment") is null or System.Text.Json.Nodes.JsonArray, $"{name}/{service}: environment must be a list of names");
            Assert.All(body.Strings("environment"), e => Assert.DoesNotContain("=", e, StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(HardenedStacks))]
    public void HardenedStack_LongRunningServices_CarryEveryHardeningKey(string name)
    {
        var stack = ComposeStack.Load(name);
        foreach (var service in new[] { "mcp-proxy", "cloudflared" })
        {
            var s = stack.Service(service);
            AssertHardened(s, $"{name}/{service}");
            Assert.Equal("unless-stopped", s.Str("restart"));
            Assert.Equal("30s", s.Str("stop_grace_period"));
            Assert.Equal("10m", s.Str("logging.options.max-size"));
            Assert.Equal("3", s.Str("logging.options.max-file"));
        }
    }

    [Fact]
    public void Setup_RunsInitFromTheProxyImageIntoWritableData()
    {
        var stack = ComposeStack.Load("programmatic");
        var setup = stack.Service("setup");
        AssertHardened(setup, "programmatic/setup");
        Assert.Equal(stack.Service("mcp-proxy").Str("image"), setup.Str("image"));
        Assert.Equal(["/setup"], setup.Strings("entrypoint"));
        Assert.Equal(["init", "--api-url=https://api.anthropic.com", "--output=dir:/data", "--token-version=1"], setup.Strings("command"));
        Assert.Equal(
            ["TUNNEL_ID", "ANTHROPIC_FEDERATION_RULE_ID", "ANTHROPIC_ORGANIZATION_ID", "ANTHROPIC_WORKSPACE_ID", "ANTHROPIC_IDENTITY_TOKEN"],
            setup.Strings("environment"));

        // setup writes where the proxy reads: the same host directory at the same container path.
        var data = Assert.Single(stack.Volumes("setup"));
        Assert.Equal(("./data", "/data", false), data);
        Assert.Contains(("./data", "/data", true), stack.Volumes("mcp-proxy"));
    }

    private static void AssertHardened(System.Text.Json.Nodes.JsonNode s, string what)
    {
        Assert.True(s.Str("user") == "65532:65532", what + ": user");
        Assert.True(s.Str("read_only") == "true", what + ": read_only");
        Assert.True(s.Strings("cap_drop").SequenceEqual(["ALL"]), what + ": cap_drop");
        Assert.True(s.Strings("security_opt").Contains("no-new-privileges:true"), what + ": no-new-privileges");
    }
}
