using System.CommandLine;

namespace McpTunnel.Setup.Commands;

/// <summary>
/// One flag of setup: its typed option, the subcommands that take it, and the variable it falls back to. The
/// option carries the name, the value's name and the help line, so the parser and the help text read one table.
/// </summary>
internal sealed record SetupFlag(Option Option, IReadOnlyList<string> Commands, string? EnvironmentFallback = null)
{
    /// <summary>The name without dashes, as the error texts and the help write it after <c>--</c>.</summary>
    public string Name => Option.Name[2..];

    public bool IsSwitch => Option.Arity.MaximumNumberOfValues == 0;

    public string ValueName => Option.HelpName ?? string.Empty;

    public string Help => Option.Description ?? string.Empty;
}
