namespace McpTunnel.Deploy.Tests.Support;

/// <summary>Locates files in the repository the tests were built from.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Of(params string[] relative) => Path.Combine([Root, .. relative]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "McpTunnel.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("McpTunnel.slnx not found above " + AppContext.BaseDirectory);
    }
}
