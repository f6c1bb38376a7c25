using McpTunnel.Cli.Check;
using McpTunnel.Cli.Quickstart;
using McpTunnel.Cli.Tests.Infrastructure;
using McpTunnel.Testing;

namespace McpTunnel.Cli.Tests.Quickstart;

/// <summary>
/// Which proxy the generated stack runs: McpTunnel's image by default (with the admin listener and a healthcheck that
/// uses it), Anthropic's with <c>--proxy-image anthropic</c> (nothing of ours relied on, and the summary names what it lacks).
/// </summary>
public sealed class QuickstartProxyImageTests : IDisposable
{
    private const string Domain = "abcd1234.tunnel.test";
    private static readonly QuickstartEnvironment Unattended = new() { Interactive = false, RunningAsRoot = false, DockerAvailable = () => true };
    private readonly TempDirectory _directory = new();

    private string Dir => _directory.Combine("mcp-tunnel");

    private string ComposeText => File.ReadAllText(Path.Combine(Dir, "docker-compose.yaml"));

    private string ConfigText => File.ReadAllText(Path.Combine(Dir, "config", "mcp-proxy.yaml"));

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Default_RunsMcpTunnelsImageWithItsAdminListenerAndHealthcheck()
    {
        var (exit, output, error) = Run(new QuickstartOptions(Dir) { Domain = Domain, Sample = true });

        Assert.True(exit == 0, error);
        Assert.Contains("  mcp-proxy:\n    image: ${MCP_PROXY_IMAGE:-mcp-proxy:local}\n", ComposeText, StringComparison.Ordinal);
        Assert.Contains("    healthcheck:\n      test: [\"CMD\", \"/mcp-proxy\", \"-healthcheck\", \"-config\", \"/etc/mcp-proxy/config.yaml\"]\n", ComposeText, StringComparison.Ordinal);
        Assert.DoesNotContain("anthropic-public-registry", ComposeText, StringComparison.Ordinal);
        Assert.Contains("admin_addr: \"127.0.0.1:9090\"\n", ConfigText, StringComparison.Ordinal);

        var loaded = ConfigSource.Load(Path.Combine(Dir, "config", "mcp-proxy.yaml"), null, [new PathMount(Path.Combine(Dir, "data"), "/data")], "test");
        Assert.True(loaded.Loaded, string.Join("; ", loaded.Errors));
        Assert.Equal(9090, loaded.Result!.Config.AdminAddress!.Port);
        Assert.Empty(loaded.Result.Warnings);

        Assert.Contains("  0. Image: McpTunnel's proxy, mcp-proxy:local.", output, StringComparison.Ordinal);
        Assert.Contains("deploy/docker/build-image.sh   (in a checkout of McpTunnel)", output, StringComparison.Ordinal);
        Assert.Contains("mcptunnel doctor --config /etc/mcp-proxy/config.yaml --ca /data/ca.crt --admin http://127.0.0.1:9090", output, StringComparison.Ordinal);
        Assert.DoesNotContain("WARN", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_FromACheckout_NamesThatCheckoutsBuildScript()
    {
        var checkout = _directory.Combine("checkout");

        var (exit, output, _) = Run(new QuickstartOptions(Dir) { Domain = Domain, Sample = true }, Unattended with { Checkout = checkout });

        Assert.Equal(0, exit);
        Assert.Contains($"       {Path.Combine(checkout, "deploy", "docker", "build-image.sh")}\n", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("anthropic")]
    [InlineData("Anthropic")]
    [InlineData(ProxyImage.AnthropicReference)]
    public void Anthropic_ComposeReliesOnNothingOfOurs(string flag)
    {
        var (exit, _, error) = Run(new QuickstartOptions(Dir) { Domain = Domain, Sample = true, ProxyImage = ProxyImage.Parse(flag) });

        Assert.True(exit == 0, error);
        Assert.Contains($"  mcp-proxy:\n    image: {ProxyImage.AnthropicReference}\n", ComposeText, StringComparison.Ordinal);
        Assert.DoesNotContain("healthcheck", ComposeText, StringComparison.Ordinal);
        Assert.DoesNotContain("-healthcheck", ComposeText, StringComparison.Ordinal);
        Assert.DoesNotContain("admin_addr", ConfigText, StringComparison.Ordinal);
        Assert.Empty(ExtensionKeys.Find(ConfigText));
    }

    [Fact]
    public void Anthropic_SummaryWarnsWhatThatProxyLacks_NamingTheExtensionKeysTheConfigCarries()
    {
        var (exit, output, _) = Run(new QuickstartOptions(Dir) { Domain = Domain, Routes = ["wiki=http://wiki-mcp:8080"], UpstreamHosts = ["wiki=upstream"], ProxyImage = ProxyImage.Parse("anthropic") });

        Assert.Equal(0, exit);
        Assert.Contains("WARN docker-compose.yaml runs Anthropic's proxy image, not McpTunnel's: no admin listener", output, StringComparison.Ordinal);
        Assert.Contains("it refuses or ignores them: upstream.host_header (the Host each upstream receives", output, StringComparison.Ordinal);
        Assert.Contains($"  0. Image: {ProxyImage.AnthropicReference} (Anthropic's; docker compose pulls it)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("--admin http://", output, StringComparison.Ordinal);
        Assert.DoesNotContain("docker compose ps mcp-proxy", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Anthropic_WithoutExtensionKeys_WarnsOnlyAboutTheImage()
    {
        var (_, output, _) = Run(new QuickstartOptions(Dir) { Domain = Domain, Sample = true, ProxyImage = ProxyImage.Parse("anthropic") });

        Assert.Contains("WARN docker-compose.yaml runs Anthropic's proxy image", output, StringComparison.Ordinal);
        Assert.DoesNotContain("refuses or ignores", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Anthropic_OverAKeptConfigOfOurs_WarnsAboutTheKeysOnDisk()
    {
        Run(new QuickstartOptions(Dir) { Domain = Domain, Sample = true });

        var (exit, output, _) = Run(new QuickstartOptions(Dir) { Domain = Domain, Sample = true, ProxyImage = ProxyImage.Parse("anthropic") });

        Assert.Equal(0, exit);
        Assert.Contains("kept      config/mcp-proxy.yaml", output, StringComparison.Ordinal);
        Assert.Contains("it refuses or ignores them: admin_addr (health, readiness and metrics listener", output, StringComparison.Ordinal);
    }

    [Fact]
    public void OtherReference_IsWrittenAsGiven_AsABuildOfOurs()
    {
        const string reference = "registry.example.com/mcp-proxy@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

        var (exit, output, _) = Run(new QuickstartOptions(Dir) { Domain = Domain, Sample = true, ProxyImage = ProxyImage.Parse(reference) });

        Assert.Equal(0, exit);
        Assert.Contains($"    image: {reference}\n", ComposeText, StringComparison.Ordinal);
        Assert.Contains("healthcheck:", ComposeText, StringComparison.Ordinal);
        Assert.Contains("admin_addr:", ConfigText, StringComparison.Ordinal);
        Assert.Contains($"  0. Image: {reference} must be pullable from this host", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Flag_AnthropicSelectsItsImage_EmptyIsAUsageError()
    {
        var (exit, _, error) = await CliRunner.RunAsync("quickstart", Dir, "--domain", Domain, "--yes", "--proxy-image", "anthropic");
        Assert.True(exit == 0, error);
        Assert.Contains(ProxyImage.AnthropicReference, ComposeText, StringComparison.Ordinal);

        var (emptyExit, _, emptyError) = await CliRunner.RunAsync("quickstart", _directory.Combine("other"), "--domain", Domain, "--yes", "--proxy-image", " ");
        Assert.Equal(2, emptyExit);
        Assert.Contains("--proxy-image is empty", emptyError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_directory.Combine("other")));
    }

    [Fact]
    public void CheckoutProbe_FindsTheBuildScriptAboveTheStart_AndNothingElsewhere()
    {
        var root = _directory.Combine("repo");
        Directory.CreateDirectory(Path.Combine(root, "deploy", "docker"));
        File.WriteAllText(Path.Combine(root, CheckoutProbe.BuildScript), "#!/bin/sh\n");
        var nested = Path.Combine(root, "src", "McpTunnel.Cli", "bin");
        Directory.CreateDirectory(nested);
        var elsewhere = _directory.Combine("elsewhere");
        Directory.CreateDirectory(elsewhere);

        Assert.Equal(root, CheckoutProbe.Find(elsewhere, nested));
        Assert.Null(CheckoutProbe.Find(elsewhere));
    }

    [Fact]
    public void CheckoutProbe_FromThisTestRun_FindsThisRepository()
    {
        var found = CheckoutProbe.Find(AppContext.BaseDirectory);

        Assert.NotNull(found);
        Assert.True(File.Exists(Path.Combine(found, "deploy", "docker", "Dockerfile")));
    }

    private static (int Exit, string Output, string Error) Run(QuickstartOptions options, QuickstartEnvironment? environment = null)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = new QuickstartRunner(options, environment ?? Unattended, output, error).Run();
        return (exit, output.ToString(), error.ToString());
    }
}
