using System.CommandLine;
using System.CommandLine.Parsing;

namespace McpTunnel.Setup.Commands;

/// <summary>
/// The result of parsing argv: which subcommand, whether help or the version was asked for, and each flag's typed
/// value (<see cref="SetupOptions"/>), read through the option itself.
/// </summary>
internal sealed class ParsedCommandLine(string? command, ParseResult result, SetupOptions options, bool helpRequested, bool versionRequested)
{
    public string? Command { get; } = command;

    public SetupOptions Options { get; } = options;

    public bool HelpRequested { get; } = helpRequested;

    public bool VersionRequested { get; } = versionRequested;

    /// <summary>Whether the flag was typed (a flag's absence is what selects its environment variable or default).</summary>
    public bool Given(Option option) => result.GetResult(option) is OptionResult { Implicit: false };

    /// <summary>
    /// The flag's value when it was typed and its rule accepted it. A value the rule refused adds the rule's message
    /// to <paramref name="errors"/>, so every problem of an invocation is reported at once.
    /// </summary>
    public bool TryGetValue<T>(Option<T> option, List<string> errors, out T value)
    {
        value = default!;
        if (result.GetResult(option) is not OptionResult { Implicit: false } given)
        {
            return false;
        }

        if (given.Errors.Any())
        {
            errors.AddRange(given.Errors.Select(e => e.Message));
            return false;
        }

        value = given.GetValueOrDefault<T>();
        return true;
    }

    /// <summary>The flag's value, for callers that know it was given and valid.</summary>
    public T GetValue<T>(Option<T> option) => result.GetRequiredValue(option);
}
