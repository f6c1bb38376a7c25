namespace McpTunnel.Proxy.Tests.Infrastructure;

/// <summary>
/// Finds a real tool the tests use as a consumer (Debian's <c>prometheus</c> package: <c>prometheus</c> and
/// <c>promtool</c>) on PATH. <c>.ci/run</c> installs it; on a machine without it the test is skipped with a
/// reason that says how to get it, rather than passing silently.
/// </summary>
internal static class ExternalTool
{
    public static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}

/// <summary>A fact that needs <paramref name="tool"/> on PATH; skipped, naming the package, when it is absent.</summary>
public sealed class RequiresToolFactAttribute : FactAttribute
{
    public RequiresToolFactAttribute(string tool)
    {
        if (ExternalTool.Find(tool) is null)
        {
            Skip = $"{tool} is not on PATH: apt-get install prometheus (Debian's package has prometheus and promtool; .ci/run installs it)";
        }
    }
}
