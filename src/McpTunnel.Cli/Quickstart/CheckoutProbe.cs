namespace McpTunnel.Cli.Quickstart;

/// <summary>
/// Finds the McpTunnel checkout quickstart runs from (<c>dotnet run --project src/McpTunnel.Cli</c>, or from inside
/// one): the nearest directory above the current one or above the program that holds the image build script.
/// An installed tool finds none, and the next steps then say to run the script in a checkout.
/// </summary>
internal static class CheckoutProbe
{
    public static readonly string BuildScript = Path.Combine("deploy", "docker", "build-image.sh");

    public static string? Find(params string[] starts)
    {
        foreach (var start in starts)
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, BuildScript)))
                {
                    return directory.FullName;
                }
            }
        }

        return null;
    }
}
