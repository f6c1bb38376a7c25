using System.Reflection;

namespace McpTunnel.Common;

/// <summary>
/// The one <c>--version</c> line of every executable: <c>NAME VERSION (commit SHORTSHA)</c>, for example
/// <c>mcptunnel 0.1.0 (commit 7bdcc91)</c>. The commit comes from the build's source revision (the SDK
/// appends it to the informational version as <c>+sha</c>); a build without git metadata prints
/// <c>NAME VERSION</c> alone, so scripts can match <c>^NAME \d+\.\d+\.\d+</c> in both cases.
/// </summary>
public static class ProgramVersion
{
    private const int ShortCommitLength = 7;

    public static string Describe(string program, Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString(3)
            ?? "0.0.0";
        return Describe(program, informational);
    }

    /// <summary>Formats an informational version such as <c>0.1.0+7bdcc9167e74…</c>.</summary>
    public static string Describe(string program, string informationalVersion)
    {
        ArgumentNullException.ThrowIfNull(informationalVersion);
        var plus = informationalVersion.IndexOf('+', StringComparison.Ordinal);
        var version = plus < 0 ? informationalVersion : informationalVersion[..plus];
        var commit = plus < 0 ? string.Empty : informationalVersion[(plus + 1)..];
        return commit.Length >= ShortCommitLength && commit.All(char.IsAsciiHexDigit)
            ? $"{program} {version} (commit {commit[..ShortCommitLength].ToLowerInvariant()})"
            : $"{program} {version}";
    }
}
