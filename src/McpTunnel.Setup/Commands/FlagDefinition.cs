namespace McpTunnel.Setup.Commands;

/// <summary>One command-line flag: its name, which subcommands take it, and its help line.</summary>
internal sealed record FlagDefinition(
    string Name,
    IReadOnlyList<string> Commands,
    string ValueName,
    string Help,
    string? EnvironmentFallback = null,
    bool IsSwitch = false);
