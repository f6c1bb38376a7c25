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

    public void Dispose()
    {
        Directory.Delete(Dir, recursive: true);
        GC.SuppressFinalize(this);
    }

    private protected static ProxyConfigLoadResult Parse(string yaml, string? tunnelDomain = null) => ProxyConfigLoader.Parse(yaml, "config.yaml", tunnelDomain);

    private protected static ProxyConfigException ParseFails(string yaml) => Assert.Throws<ProxyConfigException>(() => Parse(yaml));
}
