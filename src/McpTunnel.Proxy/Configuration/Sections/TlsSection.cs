using McpTunnel.Proxy.Configuration.Yaml;

namespace McpTunnel.Proxy.Configuration.Sections;

/// <summary><c>tls:</c> the inner-TLS certificate and key (both required and readable) and how often they are polled.</summary>
internal static class TlsSection
{
    public static TlsSettings? Read(ConfigMapping root)
    {
        var tls = root.Mapping("tls");
        var certFile = tls?.String("cert_file");
        var keyFile = tls?.String("key_file");
        RequireReadable(root.Diagnostics, "tls.cert_file", certFile, "point it at the server certificate PEM, e.g. /data/tls.crt");
        RequireReadable(root.Diagnostics, "tls.key_file", keyFile, "point it at the server private key PEM, e.g. /data/tls.key");

        var reload = tls?.Duration("reload_interval", TlsSettings.DefaultReloadInterval) ?? TlsSettings.DefaultReloadInterval;
        tls?.WarnUnknownKeys();

        return string.IsNullOrWhiteSpace(certFile) || string.IsNullOrWhiteSpace(keyFile)
            ? null
            // A zero interval would poll in a busy loop; it means "the default", as an unset one does.
            : new TlsSettings(certFile, keyFile) { ReloadInterval = reload > TimeSpan.Zero ? reload : TlsSettings.DefaultReloadInterval };
    }

    private static void RequireReadable(ConfigDiagnostics diagnostics, string field, string? path, string fixWhenMissing)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            diagnostics.Error(field, "is required", fixWhenMissing);
        }
        else
        {
            ReadableFile.Check(diagnostics, field, path);
        }
    }
}
