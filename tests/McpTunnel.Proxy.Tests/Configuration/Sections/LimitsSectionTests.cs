using McpTunnel.Proxy.Configuration;

namespace McpTunnel.Proxy.Tests.Configuration.Sections;

/// <summary><c>limits:</c>: every bound on upgraded connections can be set, and each has its default.</summary>
public sealed class LimitsSectionTests : ConfigTestBase
{
    [Fact]
    public void Limits_AreConfigurable()
    {
        var config = Parse(Document("""
            log_format: json
            limits:
              max_tunnels: 5
              handshake_timeout: 2s
              idle_timeout: 1m30s
            """)).Config;

        Assert.Equal(LogFormat.Json, config.LogFormat);
        Assert.Equal(5, config.Limits.MaxTunnels);
        Assert.Equal(TimeSpan.FromSeconds(2), config.Limits.HandshakeTimeout);
        Assert.Equal(TimeSpan.FromSeconds(90), config.Limits.IdleTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), config.Limits.PingInterval); // not set: its default
    }
}
