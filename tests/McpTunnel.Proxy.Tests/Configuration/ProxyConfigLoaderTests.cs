using McpTunnel.Common.Net;
using McpTunnel.Proxy.Configuration;

namespace McpTunnel.Proxy.Tests.Configuration;

/// <summary>The documented config samples load; a whole document's problems are all reported, each naming its field and fix, with the documented texts; unknown keys are warned about.</summary>
public sealed class ProxyConfigLoaderTests : ConfigTestBase
{
    [Fact]
    public void QuickstartMinimum_Loads_WithDefaults()
    {
        // The docs' quickstart minimum must load.
        var config = Parse($"""
            listen_addr: ":8080"
            tunnel_domain: abcd1234.tunnel.anthropic.com
            {Tls}
            routes:
              echo: http://hello-mcp:9000
            """.Replace("\n", "\n", StringComparison.Ordinal)).Config;

        Assert.Equal(new ListenAddress("", 8080), config.ListenAddress);
        Assert.Equal("abcd1234.tunnel.anthropic.com", config.TunnelDomain);
        Assert.Equal(LogLevelSetting.Info, config.LogLevel);
        Assert.Equal(TimeSpan.FromSeconds(30), config.ShutdownTimeout);
        var route = Assert.Single(config.Routes);
        Assert.Equal("echo", route.Key);
        Assert.Equal(new UpstreamAddress("http", "hello-mcp", 9000), route.Upstream);
        Assert.Empty(config.Upstream.AllowedIps);
        Assert.False(config.Upstream.DisableIpValidation);
    }

    [Fact]
    public void ProductionFormWithCommentedAllowedIps_Loads()
    {
        // The docs' production form plus an allowed_ips list with comments.
        var result = Parse($"""
            listen_addr: ":8080"
            log_level: info
            shutdown_timeout: 30s
            tunnel_domain: abcd1234.tunnel.anthropic.com
            {Tls}
            routes:
              echo: http://hello-mcp:9000
              mcp.example.internal: https://10.1.2.3:8443
            upstream:
              allowed_ips:
                - 10.0.0.0/8
                - 172.16.0.0/12
                - 192.168.0.0/16
                - 127.0.0.0/8  # loopback, for local testing only
                - 10.9.8.7
              tls:
                include_system_cas: true
            """);

        Assert.Equal(5, result.Config.Upstream.AllowedIps.Count);
        Assert.Equal("10.9.8.7/32", result.Config.Upstream.AllowedIps[4].ToString());
        Assert.True(result.Config.Upstream.TlsIncludeSystemCas);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void SeveralMistakes_AreAllReportedAtOnce()
    {
        var ex = ParseFails("""
            log_level: loud
            shutdown_timeout: 30 seconds
            routes:
              echo: http://hello-mcp
            """);

        var fields = ex.Errors.Select(e => e.Field).ToHashSet();
        Assert.Contains("listen_addr", fields);
        Assert.Contains("log_level", fields);
        Assert.Contains("shutdown_timeout", fields);
        Assert.Contains("tls.cert_file", fields);
        Assert.Contains("tls.key_file", fields);
        Assert.Contains("routes.echo", fields);
        Assert.All(ex.Errors, e => Assert.False(string.IsNullOrEmpty(e.Fix)));
    }

    [Theory]
    [InlineData("!!]u!!")]
    [InlineData(" :\u0000\u0006")]
    [InlineData("\n...  >")]
    [InlineData("a: \"\\uD99D\\uD999\"")]
    [InlineData("?\u0000[i^2e\u0010\t\n\n\ntt\n\n\nrot\u0000")]
    [InlineData("!db@sebase: &b\ny_file: b\nlisten_addf: \"127.*.0.1:0\" *b\nrPutes: p://u\ntunMel_domain: \"x.t\ufffds\ufffdM\"\ntls: *b\n\ufffd\u0000\u0000\u0000es: p://u:p@h:1?q}\nnnect_timeout: 1h30m, response_header_timEout: ")] // overflowed the stack
    [InlineData("?\u0000  *b\nroute=:d_omain2\ufffdsba\u000cN: &b\n  certb:4http://c//uup@")] // alias before its anchor: overflowed the stack
    [InlineData("routes: {echo: *later}\nx: &later http://a:1")]
    [InlineData("base: &b\n  ce\t\n\n\n...\t\n\u001f> {.tes::::::::: &:  \"127.0.0.1:/\"\ntunnel_domain: \"x.teYt.\" *b\ne: &bin: \"x.teYt.\" *b\ne: &b\n  ce: &le:\ufffd\u007f\n  key_tile: b\nlisten_add\ufffd:1h3@m, respo\u0001s_timeouc:\u0000\u0000\u0000\u0010}\n")] // an alias to an anchor of an earlier document: overflowed the stack
    [InlineData("a: &b\n  c: 1\n...\n---\nd: *b\n")]
    [InlineData("tls: &b\n  cert_file: a\n  key_file: *b\n")]
    [InlineData("routes: &r [x, *r]")]
    public void MalformedYamlThatTripsTheParser_FailsAsAConfigError(string yaml)
    {
        var error = Assert.Throws<ProxyConfigException>(() => ProxyConfigLoader.Parse(yaml));
        Assert.Contains("yaml", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownKey_LoadsWithWarningNamingIt()
    {
        var result = Parse(Document("""
            rotues:
              x: http://a:1
            """));

        Assert.Contains(result.Warnings, w => w.Contains("\"rotues\"", StringComparison.Ordinal));
    }

    [Fact]
    public void UnknownNestedKey_WarningListsTheKeysThatSectionReads()
    {
        var result = Parse(Document("""
            limits:
              idle_timout: 5s
            """));

        var warning = Assert.Single(result.Warnings);
        Assert.Equal("unknown config key \"limits.idle_timout\" (line 10) is ignored; known keys here: max_tunnels, handshake_timeout, idle_timeout, ping_interval, ping_timeout", warning);
    }

    [Fact]
    public void EveryDocumentedKey_IsKnown_SoNoneIsWarnedAbout()
    {
        var result = Parse($"""
            listen_addr: ":8080"
            admin_addr: "127.0.0.1:9090"
            log_level: warning
            log_format: json
            shutdown_timeout: 10s
            tunnel_domain: d.example
            tls:
              cert_file: {CertFile}
              key_file: {KeyFile}
              reload_interval: 1s
            routes:
              echo: http://10.0.0.1:9000
            upstream:
              allowed_ips: [10.0.0.0/8]
              tls:
                ca_file: {CertFile}
                include_system_cas: true
              connect_timeout: 1s
              response_header_timeout: 2s
              host_header:
                echo: upstream
            limits:
              max_tunnels: 5
              handshake_timeout: 1s
              idle_timeout: 2s
              ping_interval: 3s
              ping_timeout: 4s
            """);

        Assert.Empty(result.Warnings);
        Assert.Equal(LogLevelSetting.Warn, result.Config.LogLevel);
        Assert.Equal(5, result.Config.Limits.MaxTunnels);
        Assert.Equal(TimeSpan.FromSeconds(2), result.Config.Upstream.ResponseHeaderTimeout);
    }

    [Fact]
    public void UnreadableConfigFile_FixUsesTheCallersWayOfPassingThePath()
    {
        var missing = Path.Combine(Dir, "missing.yaml");

        var proxy = Assert.Throws<ProxyConfigException>(() => ProxyConfigLoader.Load(missing));
        var check = Assert.Throws<ProxyConfigException>(() => ProxyConfigLoader.Load(missing, pathHint: "pass it as tool CONFIG"));

        Assert.Equal($"open {missing}: no such file or directory", Assert.Single(proxy.Errors).Message);
        Assert.Equal("pass the config path with -config PATH and make it readable by the proxy's user", proxy.Errors[0].Fix);
        Assert.Equal("pass it as tool CONFIG and make it readable by the proxy's user", Assert.Single(check.Errors).Fix);
    }

    [Fact]
    public void MissingConfigFile_FailsWithGoOpenText()
    {
        var path = Path.Combine(Dir, "missing.yaml");
        var ex = Assert.Throws<ProxyConfigException>(() => ProxyConfigLoader.Load(path));
        Assert.Contains($"open {path}: no such file or directory", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidYaml_FailsWithLine()
    {
        var ex = ParseFails("listen_addr: \":8080\"\nroutes:\n  echo: [unclosed\n");
        Assert.Equal("yaml", ex.Errors[0].Field);
        Assert.Contains("line", ex.Errors[0].Message, StringComparison.Ordinal);
    }
}
