using McpTunnel.Proxy.Hosting;

namespace McpTunnel.Proxy.Tests.Hosting;

/// <summary>The mcp-proxy process contract: Go-style flags (-config, -tunnel-domain, also with --) and exit codes (1 on a fatal config or certificate error before listening, 2 on a bad flag).</summary>
public sealed class ProxyProgramTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mcptunnel-program-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await ProxyProgram.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData("-config", "/x.yaml")]
    [InlineData("--config", "/x.yaml")]
    [InlineData("-config=/x.yaml")]
    [InlineData("--config=/x.yaml")]
    public void ConfigFlag_AcceptsGoAndGnuSpellings(params string[] args)
    {
        Assert.True(ProxyCommandLine.TryParse(args, out var commandLine, out _));
        Assert.Equal("/x.yaml", commandLine.ConfigPath);
    }

    /// <summary>Every documented way to invoke mcp-proxy (README, the plugin's <c>command: ["-config", …]</c>, the chart's <c>-tunnel-domain</c>).</summary>
    [Theory]
    [InlineData("/etc/mcp-gateway/config.yaml", null, false, false)]
    [InlineData("/etc/mcp-proxy/config.yaml", null, false, false, "-config", "/etc/mcp-proxy/config.yaml")]
    [InlineData("/c.yaml", "d.example", false, false, "-config", "/c.yaml", "-tunnel-domain", "d.example")]
    [InlineData("/c.yaml", "d.example", false, false, "--config=/c.yaml", "--tunnel-domain=d.example")]
    [InlineData("/c.yaml", "d.example", false, false, "-tunnel-domain=d.example", "--config", "/c.yaml")]
    [InlineData("/etc/mcp-gateway/config.yaml", "d.example", false, false, "--tunnel-domain", "d.example")]
    [InlineData("/etc/mcp-gateway/config.yaml", null, true, false, "-help")]
    [InlineData("/etc/mcp-gateway/config.yaml", null, true, false, "-h")]
    [InlineData("/etc/mcp-gateway/config.yaml", null, true, false, "--help")]
    [InlineData("/etc/mcp-gateway/config.yaml", null, false, true, "-version")]
    [InlineData("/etc/mcp-gateway/config.yaml", null, false, true, "--version")]
    public void EveryDocumentedInvocation_ParsesToTheSameSettings(string config, string? domain, bool help, bool version, params string[] args)
    {
        Assert.True(ProxyCommandLine.TryParse(args, out var commandLine, out var error), error);
        Assert.Equal(config, commandLine.ConfigPath);
        Assert.Equal(domain, commandLine.TunnelDomain);
        Assert.Equal(help, commandLine.ShowHelp);
        Assert.Equal(version, commandLine.ShowVersion);
    }

    [Fact]
    public async Task FlagWithoutValue_ExitsTwo_WithOneLineAndTheHelpPointer()
    {
        var (code, _, err) = await RunAsync("-config");

        Assert.Equal(2, code);
        Assert.Equal(["mcp-proxy: flag needs an argument: -config", "Run 'mcp-proxy --help' for usage."], err.TrimEnd().Split(Environment.NewLine));
    }

    [Fact]
    public void Defaults_AreTheDocumentedPath()
    {
        Assert.True(ProxyCommandLine.TryParse([], out var commandLine, out _));
        Assert.Equal("/etc/mcp-gateway/config.yaml", commandLine.ConfigPath);
        Assert.True(ProxyCommandLine.TryParse(["-tunnel-domain", "d.example"], out commandLine, out _));
        Assert.Equal("d.example", commandLine.TunnelDomain);
    }

    [Fact]
    public async Task UnknownFlag_ExitsTwo_WithGoMessage()
    {
        var (code, _, err) = await RunAsync("-bogus");
        Assert.Equal(2, code);
        Assert.Contains("flag provided but not defined: -bogus", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HelpAndVersion_ExitZero()
    {
        var help = await RunAsync("--help");
        Assert.Equal(0, help.Code);
        Assert.Contains("-tunnel-domain", help.Out, StringComparison.Ordinal);
        var version = await RunAsync("-version");
        Assert.Equal(0, version.Code);
        Assert.Matches(@"^mcp-proxy \d+\.\d+\.\d+( \(commit [0-9a-f]{7}\))?\r?\n$", version.Out);
    }

    [Fact]
    public async Task RoutesAsList_ExitsOneBeforeListening_WithDocumentedText()
    {
        var path = Path.Combine(_dir, "config.yaml");
        await File.WriteAllTextAsync(path, "listen_addr: \":0\"\ntunnel_domain: d.example\ntls:\n  cert_file: /nope.crt\n  key_file: /nope.key\nroutes:\n  - echo: http://a:1\n");

        var (code, _, err) = await RunAsync("-config", path);

        Assert.Equal(1, code);
        Assert.Contains("cannot unmarshal !!seq into map[string]string", err, StringComparison.Ordinal);
        Assert.Contains("open /nope.key: no such file or directory", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnusableCertificate_ExitsOne_NamingTheFiles()
    {
        var cert = Path.Combine(_dir, "tls.crt");
        var key = Path.Combine(_dir, "tls.key");
        await File.WriteAllTextAsync(cert, "garbage");
        await File.WriteAllTextAsync(key, "garbage");
        var path = Path.Combine(_dir, "config.yaml");
        await File.WriteAllTextAsync(path, $"listen_addr: \"127.0.0.1:0\"\ntunnel_domain: d.example\ntls:\n  cert_file: {cert}\n  key_file: {key}\nroutes:\n  echo: http://a:1\n");

        var (code, _, err) = await RunAsync("-config", path);

        Assert.Equal(1, code);
        Assert.Contains(cert, err, StringComparison.Ordinal);
        Assert.Contains("no PEM certificate", err, StringComparison.Ordinal);
    }
}
