using McpTunnel.Proxy.Configuration.Yaml;

namespace McpTunnel.Proxy.Configuration.Sections;

/// <summary>
/// Checks at load time that a file setting can be opened, so a wrong path or a key the proxy's non-root user cannot
/// read is a config error naming the field, in Go's words (<c>open /data/tls.key: permission denied</c>), instead of a
/// failure at the first handshake.
/// </summary>
internal static class ReadableFile
{
    public static void Check(ConfigDiagnostics diagnostics, string field, string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var fix = ex is UnauthorizedAccessException
                ? $"the proxy runs as a non-root user: make the file readable, e.g. chmod 644 {path}"
                : "check the path and the volume mount";
            diagnostics.Error(field, GoFileErrors.Describe("open", path, ex), fix);
        }
    }
}
