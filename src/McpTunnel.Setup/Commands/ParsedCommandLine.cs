namespace McpTunnel.Setup.Commands;

/// <summary>The raw result of parsing argv: which subcommand, which flags with which values.</summary>
internal sealed record ParsedCommandLine(
    string? Command,
    IReadOnlyDictionary<string, string> Flags,
    bool HelpRequested,
    bool VersionRequested)
{
    public string? Get(string flag) => Flags.TryGetValue(flag, out var value) ? value : null;
}
