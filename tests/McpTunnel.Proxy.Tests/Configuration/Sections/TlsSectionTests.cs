namespace McpTunnel.Proxy.Tests.Configuration.Sections;

/// <summary><c>tls:</c>: the certificate and key must be readable at load time, reported in Go's words.</summary>
public sealed class TlsSectionTests : ConfigTestBase
{
    [Fact]
    public void MissingKeyFile_FailsWithGoOpenText()
    {
        var missing = Path.Combine(Dir, "nope.key");
        var ex = ParseFails($"""
            listen_addr: ":8080"
            tunnel_domain: d.example
            tls:
              cert_file: {CertFile}
              key_file: {missing}
            routes:
              echo: http://hello-mcp:9000
            """);

        Assert.Contains($"open {missing}: no such file or directory", ex.Message, StringComparison.Ordinal);
    }
}
