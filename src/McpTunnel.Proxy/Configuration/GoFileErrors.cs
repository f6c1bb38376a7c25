namespace McpTunnel.Proxy.Configuration;

/// <summary>
/// File errors in Go's words (<c>open /data/tls.key: permission denied</c>): the troubleshooting table
/// quotes them, so operators search for exactly these texts.
/// </summary>
internal static class GoFileErrors
{
    public static string Describe(string operation, string path, Exception exception) => exception switch
    {
        UnauthorizedAccessException => $"{operation} {path}: permission denied",
        FileNotFoundException or DirectoryNotFoundException => $"{operation} {path}: no such file or directory",
        _ => $"{operation} {path}: {exception.Message}",
    };
}
