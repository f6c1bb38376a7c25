namespace McpTunnel.Cli.Check;

/// <summary>
/// A Compose bind mount seen from the host: the config says <c>/data/tls.crt</c> (the container's path),
/// the file lives in <c>./data/tls.crt</c>. Lets <c>check</c> run the proxy's own loader on the host.
/// </summary>
internal sealed record PathMount(string HostPath, string ContainerPath)
{
    /// <summary>Parses <c>HOST:CONTAINER</c> (Compose's spelling) or <c>HOST=CONTAINER</c>.</summary>
    public static bool TryParse(string text, out PathMount mount)
    {
        mount = null!;
        var separator = text.IndexOf('=', StringComparison.Ordinal);
        if (separator < 0)
        {
            separator = text.LastIndexOf(':');
        }

        if (separator <= 0 || separator == text.Length - 1)
        {
            return false;
        }

        var container = text[(separator + 1)..].TrimEnd('/');
        if (!container.StartsWith('/'))
        {
            return false;
        }

        mount = new PathMount(Path.GetFullPath(text[..separator]), container);
        return true;
    }

    /// <summary>The host path for <paramref name="path"/>, or null when this mount does not cover it.</summary>
    public string? Map(string path)
    {
        if (path == ContainerPath)
        {
            return HostPath;
        }

        return path.StartsWith(ContainerPath + "/", StringComparison.Ordinal)
            ? Path.Combine(HostPath, path[(ContainerPath.Length + 1)..])
            : null;
    }

    /// <summary>
    /// The quickstart layout (<c>DIR/config/mcp-proxy.yaml</c> next to <c>DIR/data</c>) mounts <c>./data</c> at
    /// <c>/data</c>; when this machine has no <c>/data</c> of its own, assume that mount.
    /// </summary>
    public static PathMount? Guess(string configPath)
    {
        var configDirectory = Path.GetDirectoryName(Path.GetFullPath(configPath));
        if (configDirectory is null || Directory.Exists("/data"))
        {
            return null;
        }

        var data = Path.Combine(Path.GetDirectoryName(configDirectory) ?? configDirectory, "data");
        return Directory.Exists(data) ? new PathMount(data, "/data") : null;
    }
}
