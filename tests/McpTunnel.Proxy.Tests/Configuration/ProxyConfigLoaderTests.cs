using McpTunnel.Proxy.Configuration;

namespace McpTunnel.Proxy.Tests.Configuration;

/// <summary>The documented config samples load; every error names its field and fix, with the documented texts.</summary>
public sealed class ProxyConfigLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mcptunnel-config-").FullName;
    private readonly string _cert;
    private readonly string _key;

    public ProxyConfigLoaderTests()
    {
        _cert = Path.Combine(_dir, "tls.crt");
        _key = Path.Combine(_dir, "tls.key");
        File.WriteAllText(_cert, "cert");
        File.WriteAllText(_key, "key");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Tls => $"tls:\n  cert_file: {_cert}\n  key_file: {_key}\n";

    private static ProxyConfigLoadResult Parse(string yaml, string? tunnelDomain = null) => ProxyConfigLoader.Parse(yaml, "config.yaml", tunnelDomain);

    private static ProxyConfigException ParseFails(string yaml) => Assert.Throws<ProxyConfigException>(() => Parse(yaml));

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
    public void RoutesAsList_FailsWithGoUnmarshalText()
    {
        // routes as a YAML list: Go's text, which the troubleshooting docs quote.
        var ex = ParseFails($"""
            listen_addr: ":8080"
            tunnel_domain: d.example
            {Tls}
            routes:
              - echo: http://hello-mcp:9000
            """);

        Assert.Contains("cannot unmarshal !!seq into map[string]string", ex.Message, StringComparison.Ordinal);
        Assert.Equal("routes", Assert.Single(ex.Errors).Field);
    }

    [Theory]
    [InlineData("http://hello-mcp:9000/mcp", "a path is not allowed")]
    [InlineData("http://hello-mcp:9000/", "a path is not allowed")]
    [InlineData("http://hello-mcp", "the port is missing")]
    [InlineData("http://hello-mcp:9000?x=1", "a query is not allowed")]
    [InlineData("http://hello-mcp:9000#f", "a fragment is not allowed")]
    [InlineData("http://user:pw@hello-mcp:9000", "user-info is not allowed")]
    [InlineData("ftp://hello-mcp:21", "is not http or https")]
    [InlineData("hello-mcp:9000", "missing scheme")]
    [InlineData("http://hello-mcp:99999", "is not a number from 1 to 65535")]
    [InlineData("http://[::1]:9000", "IPv6 upstreams are not supported")]
    public void MalformedUpstream_FailsWithDocumentedText(string upstream, string reason)
    {
        // Each upstream must be exactly scheme://host:port (documented error text).
        var ex = ParseFails($"""
            listen_addr: ":8080"
            tunnel_domain: d.example
            {Tls}
            routes:
              echo: {upstream}
            """);

        var error = Assert.Single(ex.Errors);
        Assert.Equal("routes.echo", error.Field);
        Assert.Contains("invalid upstream (must be scheme://host:port)", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AllowedIpsAndDisableValidation_BothSet_Fails()
    {
        // allowed_ips and disable_ip_validation are mutually exclusive.
        var ex = ParseFails($"""
            listen_addr: ":8080"
            tunnel_domain: d.example
            {Tls}
            routes:
              echo: http://hello-mcp:9000
            upstream:
              allowed_ips: [10.0.0.0/8]
              disable_ip_validation: true
            """);

        Assert.Contains("mutually exclusive", Assert.Single(ex.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyAllowedIpsWithDisableValidation_Loads()
    {
        // An empty list counts as unset (the docs leave it open).
        var config = Parse($"""
            listen_addr: ":8080"
            tunnel_domain: d.example
            {Tls}
            routes:
              echo: http://hello-mcp:9000
            upstream:
              allowed_ips: []
              disable_ip_validation: true
            """).Config;

        Assert.True(config.Upstream.DisableIpValidation);
    }

    [Theory]
    [InlineData("::1/128", "is IPv6")]
    [InlineData("10.0.0.0/33", "prefix length")]
    [InlineData("not-an-ip", "is not an IPv4 address")]
    public void BadAllowedIpsEntry_FailsNamingTheEntry(string entry, string reason)
    {
        var ex = ParseFails($"""
            listen_addr: ":8080"
            tunnel_domain: d.example
            {Tls}
            routes:
              echo: http://hello-mcp:9000
            upstream:
              allowed_ips: ["{entry}"]
            """);

        var error = Assert.Single(ex.Errors);
        Assert.Equal("upstream.allowed_ips", error.Field);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
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

    [Fact]
    public void BareSubdomainWithoutTunnelDomain_Fails_UnlessFlagSuppliesIt()
    {
        var yaml = $"""
            listen_addr: ":8080"
            {Tls}
            routes:
              echo: http://hello-mcp:9000
            """;

        var ex = Assert.Throws<ProxyConfigException>(() => Parse(yaml));
        Assert.Contains("needs tunnel_domain", ex.Message, StringComparison.Ordinal);

        // -tunnel-domain (the Helm chart's managed mode) supplies (and overrides) the domain.
        Assert.Equal("flag.example", Parse(yaml, "Flag.Example.").Config.TunnelDomain);
    }

    [Fact]
    public void FullHostnameKeysWithoutTunnelDomain_Load()
    {
        var config = Parse($"""
            listen_addr: "127.0.0.1:8080"
            {Tls}
            routes:
              Echo.Example.COM: http://hello-mcp:9000
            """).Config;

        Assert.Equal("echo.example.com", Assert.Single(config.Routes).Key);
    }

    // Inputs the config fuzz harness found that made YamlDotNet throw something other than YamlException, which
    // escaped the loader as an unhandled exception instead of a config error.
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
        var result = Parse($"""
            listen_addr: ":8080"
            tunnel_domain: d.example
            {Tls}
            routes:
              echo: http://hello-mcp:9000
            rotues:
              x: http://a:1
            """);

        Assert.Contains(result.Warnings, w => w.Contains("\"rotues\"", StringComparison.Ordinal));
    }

    [Fact]
    public void UnknownNestedKey_WarningListsTheKeysThatSectionReads()
    {
        var result = Parse($"""
            listen_addr: ":8080"
            tunnel_domain: d.example
            {Tls}
            routes:
              echo: http://hello-mcp:9000
            limits:
              idle_timout: 5s
            """);

        var warning = Assert.Single(result.Warnings);
        Assert.Equal("unknown config key \"limits.idle_timout\" (line 10) is ignored; known keys here: max_tunnels, handshake_timeout, idle_timeout, ping_interval, ping_timeout", warning);
    }

    [Fact]
    public void EveryDocumentedKey_IsKnown_SoNoneIsWarnedAbout()
    {
        var result = Parse($"""
            listen_addr: ":8080"
            log_level: warning
            log_format: json
            shutdown_timeout: 10s
            tunnel_domain: d.example
            tls:
              cert_file: {_cert}
              key_file: {_key}
              reload_interval: 1s
            routes:
              echo: http://10.0.0.1:9000
            upstream:
              allowed_ips: [10.0.0.0/8]
              tls:
                ca_file: {_cert}
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
    public void BareSubdomainWithoutTunnelDomain_IsReportedTogetherWithAMissingTlsSection()
    {
        var error = ParseFails("listen_addr: \":8080\"\nroutes:\n  echo: http://hello-mcp:9000\n");

        Assert.Contains(error.Errors, e => e.Field == "tls.cert_file" && e.Message == "is required");
        Assert.Contains(error.Errors, e => e.Field == "routes.echo" && e.Message == "a bare subdomain key needs tunnel_domain");
    }

    [Fact]
    public void UnreadableConfigFile_FixUsesTheCallersWayOfPassingThePath()
    {
        var missing = Path.Combine(_dir, "missing.yaml");

        var proxy = Assert.Throws<ProxyConfigException>(() => ProxyConfigLoader.Load(missing));
        var check = Assert.Throws<ProxyConfigException>(() => ProxyConfigLoader.Load(missing, pathHint: "pass it as tool CONFIG"));

        Assert.Equal($"open {missing}: no such file or directory", Assert.Single(proxy.Errors).Message);
        Assert.Equal("pass the config path with -config PATH and make it readable by the proxy's user", proxy.Errors[0].Fix);
        Assert.Equal("pass it as tool CONFIG and make it readable by the proxy's user", Assert.Single(check.Errors).Fix);
    }

    [Theory]
    [InlineData("allowed_ips: [0.0.0.0/0]", "0.0.0.0/0 allows public addresses")]
    [InlineData("allowed_ips: [10.0.0.0/8, 0.0.0.0/1]", "0.0.0.0/1 allows public addresses")]
    [InlineData("disable_ip_validation: true", "SSRF protection is off")]
    public void EgressPolicyThatProtectsNothing_LoadsWithSsrfWarning(string upstreamLine, string expected)
    {
        var result = Parse($"""
            listen_addr: ":8080"
            tunnel_domain: d.example
            {Tls}
            routes:
              echo: http://hello-mcp:9000
            upstream:
              {upstreamLine}
            """);

        var warning = Assert.Single(result.Warnings);
        Assert.Contains(expected, warning, StringComparison.Ordinal);
        Assert.Contains("local testing only", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void NarrowAllowedIps_LoadWithoutWarning()
    {
        var result = Parse($"""
            listen_addr: ":8080"
            tunnel_domain: d.example
            {Tls}
            routes:
              echo: http://hello-mcp:9000
            upstream:
              allowed_ips: [10.0.0.0/8, 203.0.113.7/32]
            """);

        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void HttpsUpstreamWithoutTrustAnchor_LoadsWithWarning()
    {
        // https with no trust anchor (the docs do not say it is a load error): warn at load, fail at request time.
        var result = Parse($"""
            listen_addr: ":8080"
            tunnel_domain: d.example
            {Tls}
            routes:
              secure: https://10.0.0.5:8443
            """);

        Assert.Contains(result.Warnings, w => w.Contains("include_system_cas", StringComparison.Ordinal));
    }

    [Fact]
    public void MissingKeyFile_FailsWithGoOpenText()
    {
        var missing = Path.Combine(_dir, "nope.key");
        var ex = ParseFails($"""
            listen_addr: ":8080"
            tunnel_domain: d.example
            tls:
              cert_file: {_cert}
              key_file: {missing}
            routes:
              echo: http://hello-mcp:9000
            """);

        Assert.Contains($"open {missing}: no such file or directory", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingConfigFile_FailsWithGoOpenText()
    {
        var path = Path.Combine(_dir, "missing.yaml");
        var ex = Assert.Throws<ProxyConfigException>(() => ProxyConfigLoader.Load(path));
        Assert.Contains($"open {path}: no such file or directory", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateRouteKeysDifferingInCase_Fail()
    {
        var ex = ParseFails($"""
            listen_addr: ":8080"
            tunnel_domain: d.example
            {Tls}
            routes:
              echo: http://a:1
              ECHO: http://b:2
            """);

        Assert.Contains("duplicate route", Assert.Single(ex.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidYaml_FailsWithLine()
    {
        var ex = ParseFails("listen_addr: \":8080\"\nroutes:\n  echo: [unclosed\n");
        Assert.Equal("yaml", ex.Errors[0].Field);
        Assert.Contains("line", ex.Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Limits_AreConfigurable()
    {
        var config = Parse($"""
            listen_addr: ":8080"
            tunnel_domain: d.example
            {Tls}
            routes:
              echo: http://hello-mcp:9000
            log_format: json
            limits:
              max_tunnels: 5
              handshake_timeout: 2s
              idle_timeout: 1m30s
            """).Config;

        Assert.Equal(LogFormat.Json, config.LogFormat);
        Assert.Equal(5, config.Limits.MaxTunnels);
        Assert.Equal(TimeSpan.FromSeconds(2), config.Limits.HandshakeTimeout);
        Assert.Equal(TimeSpan.FromSeconds(90), config.Limits.IdleTimeout);
    }

    private string WithHostHeader(string hostHeaderYaml) => $"""
        listen_addr: ":8080"
        tunnel_domain: d.example
        {Tls}
        routes:
          echo: http://hello-mcp:9000
          secure: https://api.internal:8443
          plain: http://10.0.0.5:80
        upstream:
          host_header:
        {hostHeaderYaml}
        """;

    [Fact]
    public void HostHeader_EveryForm_LoadsPerRoute_AndUnsetRoutesKeepTheirDefault()
    {
        var config = Parse(WithHostHeader("    echo: upstream\n    SECURE.: original\n")).Config;
        var routes = config.Routes.ToDictionary(r => r.Key);

        Assert.Equal(UpstreamHostSetting.Upstream, routes["echo"].HostHeader);
        Assert.Equal(UpstreamHostSetting.Original, routes["secure"].HostHeader);
        Assert.Null(routes["plain"].HostHeader);
        Assert.Equal("hello-mcp:9000", McpTunnel.Proxy.Routing.UpstreamHostPolicy.HostHeaderFor(routes["echo"]));
        Assert.Null(McpTunnel.Proxy.Routing.UpstreamHostPolicy.HostHeaderFor(routes["secure"]));
        Assert.Null(McpTunnel.Proxy.Routing.UpstreamHostPolicy.HostHeaderFor(routes["plain"]));
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("localhost:3000")]
    [InlineData("mcp.internal.example")]
    [InlineData("[::1]:3000")]
    public void HostHeader_Literal_IsSentVerbatim(string literal)
    {
        var config = Parse(WithHostHeader($"    echo: \"{literal}\"\n")).Config;
        var echo = config.Routes.Single(r => r.Key == "echo");

        Assert.Equal(UpstreamHostMode.Literal, echo.HostHeader?.Mode);
        Assert.Equal(literal, McpTunnel.Proxy.Routing.UpstreamHostPolicy.HostHeaderFor(echo));
    }

    [Fact]
    public void HttpsRouteWithoutHostHeader_DefaultsToItsOwnName()
    {
        var secure = Parse(WithHostHeader("    echo: original\n")).Config.Routes.Single(r => r.Key == "secure");

        Assert.Equal("api.internal:8443", McpTunnel.Proxy.Routing.UpstreamHostPolicy.HostHeaderFor(secure));
    }

    [Theory]
    [InlineData("    nosuch: upstream\n", "upstream.host_header.nosuch", "is not a routes key", "use a key from routes: (echo, secure, plain)")]
    [InlineData("    echo: http://localhost:3000\n", "upstream.host_header.echo", "a scheme is not allowed", "upstream (sends hello-mcp:9000)")]
    [InlineData("    echo: localhost/mcp\n", "upstream.host_header.echo", "without a path", "localhost:9000")]
    [InlineData("    echo: localhost:99999\n", "upstream.host_header.echo", "port is not a number", "original")]
    [InlineData("    echo: [a, b]\n", "upstream.host_header.echo", "cannot unmarshal !!seq into string", "give one value")]
    public void HostHeader_BadEntry_FailsNamingFieldAndFix(string entry, string field, string message, string fix)
    {
        var error = Assert.Single(ParseFails(WithHostHeader(entry)).Errors);

        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains(fix, error.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void HostHeader_AsList_FailsWithGoUnmarshalText()
    {
        var error = Assert.Single(ParseFails(WithHostHeader("    - echo\n")).Errors);

        Assert.Equal("upstream.host_header", error.Field);
        Assert.Contains("cannot unmarshal !!seq into map[string]string", error.Message, StringComparison.Ordinal);
    }
}
