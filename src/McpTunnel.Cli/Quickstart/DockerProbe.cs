namespace McpTunnel.Cli.Quickstart;

/// <summary>Step 0's preflight, reduced to what can be known without running anything: is <c>docker</c> on PATH.</summary>
internal static class DockerProbe
{
    public static bool IsOnPath()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        var names = OperatingSystem.IsWindows() ? new[] { "docker.exe" } : ["docker"];
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => names.Any(name => File.Exists(Path.Combine(directory, name))));
    }
}
