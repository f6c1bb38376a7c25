namespace McpTunnel.CommandLine;

/// <summary>
/// How a word of a Go-style command line names a flag: any number of leading dashes (<c>-config</c> and
/// <c>--config</c> are one flag), then the name, then optionally <c>=value</c>. mcp-proxy's and setup's parsers and
/// their error texts read flag words by this one rule.
/// </summary>
internal static class FlagWord
{
    /// <summary>Whether the word is written as a flag: a dash and at least one more character.</summary>
    public static bool IsFlag(string word) => word.Length >= 2 && word[0] == '-';

    /// <summary>The flag's name: the word without its leading dashes and without any <c>=value</c>.</summary>
    public static string Name(string word) => Split(word).Name;

    /// <summary>The name, and the value written after the first <c>=</c> (null when there is none).</summary>
    public static (string Name, string? Value) Split(string word)
    {
        var name = word.TrimStart('-');
        var equals = name.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? (name, null) : (name[..equals], name[(equals + 1)..]);
    }
}
