using McpTunnel.Proxy.Hosting;

namespace McpTunnel.Proxy.Tests.Hosting;

/// <summary>
/// mcp-proxy's command line as Go's flag package reads it (through the shared McpTunnel.CommandLine GoFlagSet):
/// one test per spelling of each flag and per error text, including the cases where Go's rules differ from a
/// GNU-style parser's (a value that starts with a dash, an empty value, <c>--</c>, a switch written with a value).
/// </summary>
public sealed class ProxyCommandLineTests
{
    [Theory]
    [InlineData("-config", "/c.yaml")]
    [InlineData("--config", "/c.yaml")]
    [InlineData("-config=/c.yaml")]
    [InlineData("--config=/c.yaml")]
    [InlineData("---config=/c.yaml")]
    public void ConfigFlag_EverySpelling_ReadsThePath(params string[] args)
    {
        Assert.True(ProxyCommandLine.TryParse(args, out var line, out var error), error);
        Assert.Equal("/c.yaml", line.ConfigPath);
    }

    [Theory]
    [InlineData("-tunnel-domain", "d.example")]
    [InlineData("--tunnel-domain", "d.example")]
    [InlineData("-tunnel-domain=d.example")]
    [InlineData("--tunnel-domain=d.example")]
    public void TunnelDomainFlag_EverySpelling_ReadsTheDomain(params string[] args)
    {
        Assert.True(ProxyCommandLine.TryParse(args, out var line, out var error), error);
        Assert.Equal("d.example", line.TunnelDomain);
        Assert.Equal(ProxyCommandLine.DefaultConfigPath, line.ConfigPath);
    }

    [Theory]
    [InlineData("-watch-config", "watch")]
    [InlineData("--watch-config", "watch")]
    [InlineData("-healthcheck", "healthcheck")]
    [InlineData("--healthcheck", "healthcheck")]
    [InlineData("-version", "version")]
    [InlineData("--version", "version")]
    [InlineData("-v", "version")]
    [InlineData("-help", "help")]
    [InlineData("--help", "help")]
    [InlineData("-h", "help")]
    [InlineData("--h", "help")]
    [InlineData("-watch-config=false", "watch")]
    [InlineData("-help=1", "help")]
    public void Switch_EverySpelling_SetsOnlyItself(string arg, string expected)
    {
        Assert.True(ProxyCommandLine.TryParse([arg], out var line, out var error), error);
        Assert.Equal(expected == "watch", line.WatchConfig);
        Assert.Equal(expected == "healthcheck", line.HealthCheck);
        Assert.Equal(expected == "version", line.ShowVersion);
        Assert.Equal(expected == "help", line.ShowHelp);
    }

    [Theory]
    [InlineData("-x", "-config", "-x")]
    [InlineData("--", "-config", "--")]
    [InlineData("-h", "-config", "-h")]
    [InlineData("", "-config", "")]
    [InlineData("", "-config=")]
    [InlineData("a=b", "--config=a=b")]
    [InlineData("/b.yaml", "-config", "/a.yaml", "-config", "/b.yaml")]
    public void ConfigValue_IsTakenVerbatim_AndTheLastOneWins(string expected, params string[] args)
    {
        Assert.True(ProxyCommandLine.TryParse(args, out var line, out var error), error);
        Assert.Equal(expected, line.ConfigPath);
    }

    [Theory]
    [InlineData("flag provided but not defined: -x", "-x")]
    [InlineData("flag provided but not defined: -bogus", "--bogus=1")]
    [InlineData("flag provided but not defined: -CONFIG", "-CONFIG", "/c.yaml")]
    [InlineData("flag provided but not defined: -config:/c.yaml", "-config:/c.yaml")]
    [InlineData("flag provided but not defined: -", "---")]
    [InlineData("flag needs an argument: -config", "-config")]
    [InlineData("flag needs an argument: -tunnel-domain", "-watch-config", "--tunnel-domain")]
    [InlineData("unexpected argument \"extra\"", "-config", "/c.yaml", "extra")]
    [InlineData("unexpected argument \"-\"", "-")]
    [InlineData("unexpected argument \"--\"", "--")]
    [InlineData("unexpected argument \"\"", "")]
    [InlineData("unexpected argument \"[diag]\"", "[diag]")]
    [InlineData("unexpected argument \"@args\"", "@args")]
    [InlineData("flag provided but not defined: -bogus", "-bogus", "-config")]
    [InlineData("unexpected argument \"extra\"", "extra", "-bogus")]
    public void WrongInvocation_FirstProblemInGoWords(string expected, params string[] args)
    {
        Assert.False(ProxyCommandLine.TryParse(args, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public async Task WrongInvocation_ExitsTwo_WithTheTextAndThePointerOnly()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = await ProxyProgram.RunAsync(["-config", "/c.yaml", "extra"], stdout, stderr);

        Assert.Equal(2, code);
        Assert.Empty(stdout.ToString());
        Assert.Equal("mcp-proxy: unexpected argument \"extra\"\nRun 'mcp-proxy --help' for usage.\n", stderr.ToString().ReplaceLineEndings("\n"));
    }
}
