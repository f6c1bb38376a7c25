using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;
using McpTunnel.Cli.Check;
using McpTunnel.Cli.Quickstart;
using McpTunnel.Cli.Tests.Infrastructure;
using McpTunnel.Pki.Issuing;
using McpTunnel.Pki.Rules;
using McpTunnel.Testing;

namespace McpTunnel.Cli.Tests.Quickstart;

/// <summary><c>mcptunnel quickstart</c> unattended into a temp dir: files, modes, contents, a config the proxy loads, and idempotent re-runs.</summary>
public sealed class QuickstartTests : IDisposable
{
    private const string Domain = "abcd1234.tunnel.test";
    private static readonly QuickstartEnvironment Unattended = new() { Interactive = false, RunningAsRoot = false, DockerAvailable = () => true };
    private readonly TempDirectory _directory = new();

    private string Dir => _directory.Combine("mcp-tunnel");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Unattended_WritesEveryFileWithTheDocumentedModesAndContents()
    {
        var (exit, output, error) = Run(new QuickstartOptions(Dir) { Domain = Domain, Sample = true, Routes = ["wiki=http://wiki-mcp:8080"] });

        Assert.True(exit == 0, error);
        Assert.Equal($"TUNNEL_DOMAIN={Domain}\nTUNNEL_TOKEN=PASTE_TUNNEL_TOKEN_HERE\n", File.ReadAllText(Path.Combine(Dir, ".env")));
        Assert.Equal(".env\ndata/\n", File.ReadAllText(Path.Combine(Dir, ".gitignore")));
        Assert.Equal(UnixMode.OwnerOnly, UnixMode.Of(Path.Combine(Dir, ".env")));
        Assert.Equal(UnixMode.OwnerOnly, UnixMode.Of(Path.Combine(Dir, "data", "ca.key")));
        Assert.Equal(UnixMode.Public, UnixMode.Of(Path.Combine(Dir, "data", "tls.key")));
        Assert.Equal(UnixMode.Public, UnixMode.Of(Path.Combine(Dir, "data", "ca.crt")));
        Assert.Contains("mode 0644 so the proxy (UID 65532) can read it", output, StringComparison.Ordinal);

        var compose = File.ReadAllText(Path.Combine(Dir, "docker-compose.yaml"));
        Assert.Contains("command: tunnel --no-autoupdate run --url http://localhost:8080", compose, StringComparison.Ordinal);
        Assert.Contains("network_mode: \"service:mcp-proxy\"", compose, StringComparison.Ordinal);
        Assert.Contains("      - TUNNEL_TOKEN\n", compose, StringComparison.Ordinal);
        Assert.Contains("- ./data:/data:ro", compose, StringComparison.Ordinal);
        Assert.Contains("command: [\"-config\", \"/etc/mcp-proxy/config.yaml\"]", compose, StringComparison.Ordinal);
        Assert.Contains("  hello-mcp:\n    image: python:3.13-slim", compose, StringComparison.Ordinal);
        Assert.Contains("mcp.run(transport=\"streamable-http\")", File.ReadAllText(Path.Combine(Dir, "hello_server.py")), StringComparison.Ordinal);
        // The file written is the quickstart stack's hello_server.py, the one copy in the source.
        Assert.Equal(File.ReadAllText(Path.Combine(Hello.HelloNodeClientTests.RepoRoot(), "deploy", "compose", "quickstart", "hello_server.py")).ReplaceLineEndings("\n"), File.ReadAllText(Path.Combine(Dir, "hello_server.py")));

        Assert.Contains($"https://echo.{Domain}/mcp", output, StringComparison.Ordinal);
        Assert.Contains($"https://wiki.{Domain}/mcp", output, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(Dir, "data", "ca.crt"), output, StringComparison.Ordinal);
        Assert.Contains("docker compose up -d", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Unattended_ConfigLoadsInTheProxyLoaderWithTheChosenRoutes()
    {
        Run(new QuickstartOptions(Dir) { Domain = Domain, Sample = true, Routes = ["wiki=http://wiki-mcp:8080"] });

        var outcome = ConfigSource.Load(Path.Combine(Dir, "config", "mcp-proxy.yaml"), null, [new PathMount(Path.Combine(Dir, "data"), "/data")], "test");

        Assert.True(outcome.Loaded, string.Join("; ", outcome.Errors));
        var config = outcome.Result!.Config;
        Assert.Equal(Domain, config.TunnelDomain);
        Assert.Equal(8080, config.ListenAddress.Port);
        Assert.Equal(["echo", "wiki"], config.Routes.Select(r => r.Key));
        Assert.Equal("http://hello-mcp:9000", config.Routes[0].Upstream.ToString());
        Assert.Empty(outcome.Result.Warnings);
        Assert.Contains("cert_file: /data/tls.crt", File.ReadAllText(Path.Combine(Dir, "config", "mcp-proxy.yaml")), StringComparison.Ordinal);
    }

    [Fact]
    public void UpstreamHost_WritesHostHeaderBesideTheFlatRoutesMap_AndTheProxyLoadsIt()
    {
        var (exit, _, error) = Run(new QuickstartOptions(Dir) { Domain = Domain, Routes = ["wiki=http://wiki-mcp:8080"], UpstreamHosts = ["wiki=upstream"] });

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        var text = File.ReadAllText(Path.Combine(Dir, "config", "mcp-proxy.yaml"));
        Assert.Contains("routes:\n  wiki: http://wiki-mcp:8080\nupstream:\n  host_header:", text, StringComparison.Ordinal);
        var outcome = ConfigSource.Load(Path.Combine(Dir, "config", "mcp-proxy.yaml"), null, [new PathMount(Path.Combine(Dir, "data"), "/data")], "test");
        Assert.True(outcome.Loaded, string.Join("; ", outcome.Errors));
        Assert.Equal("wiki-mcp:8080", McpTunnel.Proxy.Routing.UpstreamHostPolicy.HostHeaderFor(outcome.Result!.Config.Routes.Single()));
    }

    [Theory]
    [InlineData("nosuch=upstream", "--upstream-host nosuch: no route nosuch (routes: wiki)")]
    [InlineData("wiki=http://x", "--upstream-host wiki: \"http://x\" is not original, upstream or a host[:port]: a scheme is not allowed")]
    [InlineData("wiki", "--upstream-host \"wiki\" must be name=upstream")]
    public void UpstreamHost_Bad_NamesTheFlagAndWritesNothing(string flag, string message)
    {
        var (exit, _, error) = Run(new QuickstartOptions(Dir) { Domain = Domain, Routes = ["wiki=http://wiki-mcp:8080"], UpstreamHosts = [flag] });

        Assert.NotEqual(0, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Dir, "config", "mcp-proxy.yaml")));
    }

    [Fact]
    public void Unattended_CertificatesPassEveryRuleAndTheKeyMatches()
    {
        Run(new QuickstartOptions(Dir) { Domain = Domain, Routes = ["echo=http://10.0.0.5:9000"], KeyAlgorithm = KeyAlgorithm.Rsa2048 });
        var caPem = File.ReadAllText(Path.Combine(Dir, "data", "ca.crt"));
        var certPem = File.ReadAllText(Path.Combine(Dir, "data", "tls.crt"));

        Assert.True(CertificateChecker.CheckCa(caPem).Passed);
        var server = CertificateChecker.CheckServer(certPem, caPem, Domain, ServerNameKind.TunnelDomain);
        Assert.True(server.Passed, string.Join("; ", server.Failures.Select(f => f.Detail)));
        using var pair = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(certPem, File.ReadAllText(Path.Combine(Dir, "data", "tls.key")));
        Assert.NotNull(pair.GetRSAPrivateKey());
    }

    [Fact]
    public void SecondRun_ChangesNothingByteForByte()
    {
        var options = new QuickstartOptions(Dir) { Domain = Domain, Sample = true };
        Run(options);
        var before = Snapshot();

        var (exit, output, _) = Run(options);

        Assert.Equal(0, exit);
        Assert.Equal(before, Snapshot());
        Assert.DoesNotContain("created", output, StringComparison.Ordinal);
        Assert.Contains("kept      .env", output, StringComparison.Ordinal);
        Assert.Contains("unchanged config/mcp-proxy.yaml", output, StringComparison.Ordinal);
    }

    [Fact]
    public void SecondRunWithOtherRoutes_KeepsTheEditedConfigWithoutForce()
    {
        Run(new QuickstartOptions(Dir) { Domain = Domain, Sample = true });
        var config = Path.Combine(Dir, "config", "mcp-proxy.yaml");
        var before = File.ReadAllText(config);

        var (_, output, _) = Run(new QuickstartOptions(Dir) { Domain = Domain, Routes = ["wiki=http://wiki-mcp:8080"] });

        Assert.Equal(before, File.ReadAllText(config));
        Assert.Contains("kept      config/mcp-proxy.yaml (it differs", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Force_KeepsTheCaAndThePastedToken_ButReissuesTheServerCertificate()
    {
        Run(new QuickstartOptions(Dir) { Domain = Domain, Sample = true });
        var env = Path.Combine(Dir, ".env");
        File.WriteAllText(env, $"TUNNEL_DOMAIN={Domain}\nTUNNEL_TOKEN=eyJsecret-token-value\n");
        var ca = File.ReadAllText(Path.Combine(Dir, "data", "ca.key"));
        var cert = File.ReadAllText(Path.Combine(Dir, "data", "tls.crt"));

        var (exit, output, _) = Run(new QuickstartOptions(Dir) { Domain = Domain, Sample = true, Force = true });

        Assert.Equal(0, exit);
        Assert.Equal(ca, File.ReadAllText(Path.Combine(Dir, "data", "ca.key")));
        Assert.NotEqual(cert, File.ReadAllText(Path.Combine(Dir, "data", "tls.crt")));
        Assert.Contains("TUNNEL_TOKEN=eyJsecret-token-value\n", File.ReadAllText(env), StringComparison.Ordinal);
        Assert.DoesNotContain("eyJsecret", output, StringComparison.Ordinal);
        Assert.Contains("already has a TUNNEL_TOKEN (not shown)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void RerunForAnotherDomain_WarnsThatTheKeptCertificateFailsSan()
    {
        Run(new QuickstartOptions(Dir) { Domain = Domain, Sample = true });

        var (_, output, _) = Run(new QuickstartOptions(Dir) { Domain = "other.tunnel.test", Sample = true });

        Assert.Contains("WARNING it fails server.san", output, StringComparison.Ordinal);
        Assert.Contains("it does not say TUNNEL_DOMAIN=other.tunnel.test", output, StringComparison.Ordinal);
    }

    [Fact]
    public void NoDomainWithoutTerminal_NamesTheFlagAndWritesNothing()
    {
        var (exit, _, error) = Run(new QuickstartOptions(Dir) { Sample = true });

        Assert.Equal(2, exit);
        Assert.Contains("missing --domain", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Dir));
    }

    [Fact]
    public void NoRouteWithoutTerminal_NamesRouteAndSampleFlags()
    {
        var (exit, _, error) = Run(new QuickstartOptions(Dir) { Domain = Domain });

        Assert.Equal(2, exit);
        Assert.Contains("missing --route NAME=scheme://host:port (repeatable) or --sample", error, StringComparison.Ordinal);
    }

    [Fact]
    public void YesWithoutRoutes_UsesTheSampleServer()
    {
        var (exit, _, _) = Run(new QuickstartOptions(Dir) { Domain = Domain, Yes = true });

        Assert.Equal(0, exit);
        Assert.Contains("  echo: http://hello-mcp:9000\n", File.ReadAllText(Path.Combine(Dir, "config", "mcp-proxy.yaml")), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Dir, "hello_server.py")));
    }

    [Fact]
    public void RouteWithPath_IsRejectedWithTheProxysText()
    {
        var (exit, _, error) = Run(new QuickstartOptions(Dir) { Domain = Domain, Routes = ["wiki=http://wiki-mcp:8080/mcp"] });

        Assert.Equal(2, exit);
        Assert.Contains("invalid upstream (must be scheme://host:port): a path is not allowed", error, StringComparison.Ordinal);
    }

    [Fact]
    public void LoopbackRoute_WarnsThatEgressWillRefuseIt()
    {
        var (exit, _, error) = Run(new QuickstartOptions(Dir) { Domain = Domain, Routes = ["local=http://localhost:3000"] });

        Assert.Equal(0, exit);
        Assert.Contains("WARN routes.local: upstream address 127.0.0.1 is refused by IP validation", error, StringComparison.Ordinal);
    }

    [Fact]
    public void DockerMissing_IsAWarningNotAFailure()
    {
        var (exit, output, _) = Run(new QuickstartOptions(Dir) { Domain = Domain, Sample = true }, Unattended with { DockerAvailable = () => false });

        Assert.Equal(0, exit);
        Assert.Contains("WARN docker not found on PATH", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Dir, "docker-compose.yaml")));
    }

    [Fact]
    public void Interactive_AsksForDomainAndRoutesButNeverTheToken()
    {
        var prompter = new ScriptedPrompter(Domain, useSample: false, routes: ["wiki=http://wiki-mcp:8080", "docs=http://10.0.0.9:9000"]);

        var (exit, _, _) = Run(new QuickstartOptions(Dir), Unattended with { Interactive = true, Prompter = prompter });

        Assert.Equal(0, exit);
        Assert.Equal(1, prompter.DomainAsked);
        var config = File.ReadAllText(Path.Combine(Dir, "config", "mcp-proxy.yaml"));
        Assert.Contains("  wiki: http://wiki-mcp:8080\n  docs: http://10.0.0.9:9000\n", config, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Dir, "hello_server.py")));
    }

    [Fact]
    public void AsRoot_KeyIsChownedToTheProxyUserAndStays0600()
    {
        var (exit, output, _) = Run(new QuickstartOptions(Dir) { Domain = Domain, Sample = true }, Unattended with { RunningAsRoot = true });

        Assert.Equal(0, exit);
        var key = Path.Combine(Dir, "data", "tls.key");
        if (Environment.UserName == "root")
        {
            Assert.Equal(UnixMode.OwnerOnly, UnixMode.Of(key));
            Assert.Contains("owner 65532:65532, mode 0600", output, StringComparison.Ordinal);
        }
        else
        {
            // chown fails without privileges: the documented 0644 fallback applies.
            Assert.Equal(UnixMode.Public, UnixMode.Of(key));
        }
    }

    [Fact]
    public async Task EndToEnd_FlagsParseAndRunUnattended()
    {
        var (exit, output, error) = await CliRunner.RunAsync("quickstart", Dir, "--domain", Domain, "--route", "wiki=http://wiki-mcp:8080", "--route", "docs=http://docs-mcp:80", "--key-type", "rsa2048", "--yes");

        Assert.True(exit == 0, error);
        Assert.Contains($"https://docs.{Domain}/mcp", output, StringComparison.Ordinal);
        Assert.Contains("  wiki: http://wiki-mcp:8080\n  docs: http://docs-mcp:80\n", File.ReadAllText(Path.Combine(Dir, "config", "mcp-proxy.yaml")), StringComparison.Ordinal);
    }

    private static (int Exit, string Output, string Error) Run(QuickstartOptions options, QuickstartEnvironment? environment = null)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = new QuickstartRunner(options, environment ?? Unattended, output, error).Run();
        return (exit, output.ToString(), error.ToString());
    }

    private Dictionary<string, string> Snapshot() =>
        Directory.EnumerateFiles(Dir, "*", SearchOption.AllDirectories).ToDictionary(
            f => Path.GetRelativePath(Dir, f),
            f => $"{Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))} {UnixMode.Of(f)} {File.GetLastWriteTimeUtc(f):O}");

    private sealed class ScriptedPrompter(string domain, bool useSample, IReadOnlyList<string> routes) : IQuickstartPrompter
    {
        private int _route;

        public int DomainAsked { get; private set; }

        public string AskDomain()
        {
            DomainAsked++;
            return domain;
        }

        public bool AskUseSample() => useSample;

        public string AskRoute() => routes[_route++];

        public bool AskAnotherRoute() => _route < routes.Count;
    }
}
