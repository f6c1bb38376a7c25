using McpTunnel.Proxy.Configuration;

namespace McpTunnel.Proxy.Tests.Configuration;

/// <summary>
/// What the config tests share: a scratch directory holding a readable certificate and key (the loader checks that the
/// files can be opened), the <c>tls:</c> section naming them, and parsing helpers.
/// </summary>
public abstract class ConfigTestBase : IDisposable
{
    protected ConfigTestBase()
    {
        Dir = Directory.CreateTempSubdirectory("mcptunnel-config-").FullName;
        CertFile = Path.Combine(Dir, "tls.crt");
        KeyFile = Path.Combine(Dir, "tls.key");
        File.WriteAllText(CertFile, "cert");
        File.WriteAllText(KeyFile, "key");
    }

    protected string Dir { get; }

    protected string CertFile { get; }

    protected string KeyFile { get; }

    protected string Tls => $"tls:\n  cert_file: {CertFile}\n  key_file: {KeyFile}\n";

    /// <summary>The one route most tests need, as a line under <c>routes:</c>.</summary>
    private protected const string EchoRoute = "  echo: http://hello-mcp:9000\n";

    /// <summary>Three routes for the per-route settings: plain http by name, https by name, and http to an IP literal.</summary>
    private protected const string ThreeRoutes = EchoRoute + "  secure: https://api.internal:8443\n  plain: http://10.0.0.5:80\n";

    /// <summary>
    /// A document that loads as it stands (<c>listen_addr: ":8080"</c>, <c>tunnel_domain: d.example</c>, <see cref="Tls"/>
    /// and <paramref name="routes"/> under <c>routes:</c>) followed by <paramref name="sections"/>, the top-level YAML a test
    /// is about. The text keeps a blank line after the <c>tls:</c> section, so the line numbers warnings quote stay put.
    /// </summary>
    private protected string Document(string sections = "", string routes = EchoRoute) =>
        $"listen_addr: \":8080\"\ntunnel_domain: d.example\n{Tls}\nroutes:\n{routes}{sections}";

    public void Dispose()
    {
        Directory.Delete(Dir, recursive: true);
        GC.SuppressFinalize(this);
    }

    private protected static ProxyConfigLoadResult Parse(string yaml, string? tunnelDomain = null) => ProxyConfigLoader.Parse(yaml, "config.yaml", tunnelDomain);

    private protected static ProxyConfigException ParseFails(string yaml) => Assert.Throws<ProxyConfigException>(() => Parse(yaml));
}
