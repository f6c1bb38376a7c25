namespace McpTunnel.Proxy.Tests.Infrastructure;

/// <summary>Files of the checkout the tests read (docs, Compose stacks, the fuzz corpus).</summary>
internal static class RepoPaths
{
    /// <summary>The folder holding McpTunnel.slnx, found by walking up from the test binaries.</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "McpTunnel.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"McpTunnel.slnx not found above {AppContext.BaseDirectory}.");
    }

    public static string Of(params string[] parts) => Path.Combine([Root(), .. parts]);
}
