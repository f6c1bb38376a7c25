using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Hosting;
using McpTunnel.Proxy.Tests.Infrastructure;

namespace McpTunnel.Proxy.Tests.Hosting;

/// <summary>
/// What operators read about reload says what the proxy does: the restart-only keys the README, deploy/README.md and
/// each Compose stack's config name are the keys <see cref="RestartOnlyKeys"/> refuses, and every Compose stack says
/// to signal the proxy rather than restart it.
/// </summary>
public sealed class ReloadDocsTests
{
    public static TheoryData<string> Stacks => new() { "quickstart", "production", "programmatic" };

    [Fact]
    public void Readmes_NameEveryRestartOnlyKeyTheProxyRefuses()
    {
        var readme = Section(Read("README.md"), "**What takes a restart:**", "- **Nothing in flight");
        var deploy = Section(Read("deploy", "README.md"), "**Restart-only keys:**", "- **Seen on the admin listener**");

        foreach (var key in RefusedKeys())
        {
            var documented = key.StartsWith("limits.", StringComparison.Ordinal) ? "limits.*" : key;
            Assert.Contains($"`{documented}`", readme, StringComparison.Ordinal);
            Assert.Contains($"`{documented}`", deploy, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public void ComposeStack_SaysToSignalTheProxyAndNamesWhatTakesARestart(string stack)
    {
        var config = Read("deploy", "compose", stack, "config", "mcp-proxy.yaml");
        var compose = Read("deploy", "compose", stack, "docker-compose.yaml");

        Assert.Contains("docker compose kill -s HUP mcp-proxy", config, StringComparison.Ordinal);
        Assert.Contains("docker compose kill -s HUP mcp-proxy", compose, StringComparison.Ordinal);
        var comment = string.Join(' ', config.Split('\n').TakeWhile(l => l.StartsWith('#')));
        foreach (var key in RefusedKeys().Select(k => k.Split('.')[0]).Distinct())
        {
            Assert.Contains(key, comment, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void DeployReadme_StillSaysARestartWorks()
    {
        var deploy = Read("deploy", "README.md");

        Assert.Contains("`docker compose restart mcp-proxy`, then `docker compose restart cloudflared`", deploy, StringComparison.Ordinal);
        Assert.Contains("docker compose kill -s HUP mcp-proxy", deploy, StringComparison.Ordinal);
    }

    /// <summary>Every key <see cref="RestartOnlyKeys"/> refuses, found by changing all of them at once.</summary>
    private static List<string> RefusedKeys()
    {
        using var files = new McpTunnel.Testing.TempDirectory();
        var (aCert, aKey, bCert, bKey) = (files.Write("a.crt", ""), files.Write("a.key", ""), files.Write("b.crt", ""), files.Write("b.key", ""));
        var running = ProxyConfigLoader.Parse($"listen_addr: \":8080\"\ntunnel_domain: a.example\ntls:\n  cert_file: {aCert}\n  key_file: {aKey}\nroutes:\n  echo: http://10.0.0.1:9000\n", "a.yaml").Config;
        var next = ProxyConfigLoader.Parse(
            $$"""
            listen_addr: ":8081"
            admin_addr: "127.0.0.1:9090"
            tunnel_domain: b.example
            log_format: json
            shutdown_timeout: 5s
            tls:
              cert_file: {{bCert}}
              key_file: {{bKey}}
              reload_interval: 1m
            limits: {max_tunnels: 5, handshake_timeout: 1s, idle_timeout: 1s, ping_interval: 1s, ping_timeout: 1s}
            audit: {stdout: true}
            routes:
              echo: http://10.0.0.1:9000
            """,
            "b.yaml").Config;
        var keys = RestartOnlyKeys.Changed(running, next, auditRunning: false).Select(e => e.Field).ToList();
        Assert.Equal(14, keys.Count); // every check in RestartOnlyKeys fired: a new one must be documented too
        return keys;
    }

    private static string Section(string text, string start, string end)
    {
        var from = text.IndexOf(start, StringComparison.Ordinal);
        Assert.True(from >= 0, $"'{start}' not found");
        var to = text.IndexOf(end, from, StringComparison.Ordinal);
        Assert.True(to > from, $"'{end}' not found after '{start}'");
        return text[from..to];
    }

    private static string Read(params string[] parts) => File.ReadAllText(RepoPaths.Of(parts));
}
