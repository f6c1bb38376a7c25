using McpTunnel.Cli.Check;

namespace McpTunnel.Cli.Tests.Check;

/// <summary>The config keys beyond the documented proxy's, read from the file as written.</summary>
public sealed class ExtensionKeysTests
{
    [Fact]
    public void DocumentedKeysOnly_FindsNothing()
    {
        const string yaml = """
            listen_addr: ":8080"
            log_level: info
            shutdown_timeout: 30s
            tunnel_domain: abcd1234.tunnel.example
            tls:
              cert_file: /data/tls.crt
              key_file: /data/tls.key
            routes:
              admin_addr: http://10.0.0.5:9000
              limits: http://10.0.0.6:9000
            upstream:
              allowed_ips: [10.0.0.0/8]
              disable_ip_validation: false
              tls:
                ca_file: /data/upstream-ca.crt
                include_system_cas: true
            """;

        Assert.Empty(ExtensionKeys.Find(yaml));
    }

    [Fact]
    public void Extensions_AreListedDottedInFileOrder_WithWhatTheyGive()
    {
        const string yaml = """
            listen_addr: ":8080"
            admin_addr: "127.0.0.1:9090"
            log_format: json
            tls:
              cert_file: /data/tls.crt
              key_file: /data/tls.key
              reload_interval: 5s
            routes:
              echo: http://hello-mcp:9000
            upstream:
              host_header:
                echo: upstream
              connect_timeout: 5s
              tls:
                something_new: true
            limits:
              max_tunnels: 10
            """;

        var keys = ExtensionKeys.Find(yaml);

        Assert.Equal(["admin_addr", "log_format", "tls.reload_interval", "upstream.host_header", "upstream.connect_timeout", "upstream.tls.something_new", "limits"], keys.Select(k => k.Key));
        Assert.StartsWith("health, readiness and metrics listener", keys[0].Meaning, StringComparison.Ordinal);
        Assert.Null(keys.Single(k => k.Key == "upstream.tls.something_new").Meaning);
        Assert.Contains("upstream.tls.something_new; limits (tunnel limits", ExtensionKeys.Describe(keys), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("routes: [a")]
    [InlineData("- a\n- b\n")]
    [InlineData("")]
    [InlineData("a: &x [*x]")]
    public void Unreadable_FindsNothingAndDoesNotThrow(string yaml) => Assert.Empty(ExtensionKeys.Find(yaml));
}
