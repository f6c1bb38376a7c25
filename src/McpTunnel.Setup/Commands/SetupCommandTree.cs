using System.CommandLine;

namespace McpTunnel.Setup.Commands;

/// <summary>
/// setup's command line as a System.CommandLine tree built from the flag table: subcommands <c>init</c> and
/// <c>renew-cert</c>, each flag spelled <c>--name</c> and (Go style) <c>-name</c>, both taking <c>=value</c> or the
/// next word. Flags are declared on the root as recursive so they may come before the subcommand too, as Go's
/// flag package and the docs' <c>docker compose run --rm setup [&lt;subcommand&gt; …]</c> allow; whether a flag
/// applies to the chosen subcommand is checked by <see cref="CommandLineParser"/> against the table.
/// </summary>
internal sealed class SetupCommandTree
{
    private SetupCommandTree(RootCommand root, IReadOnlyDictionary<string, Option> options)
    {
        Root = root;
        Options = options;
    }

    public RootCommand Root { get; }

    /// <summary>Each flag's option, by the flag's name in <see cref="Flags"/>.</summary>
    public IReadOnlyDictionary<string, Option> Options { get; }

    /// <summary>No response files (<c>@file</c> is an ordinary word here) and no bundling of single-letter flags.</summary>
    public static ParserConfiguration ParserConfiguration { get; } = new() { ResponseFileTokenReplacer = null, EnablePosixBundling = false };

    public static SetupCommandTree Create()
    {
        var root = new RootCommand("setup: provision an MCP tunnel (init) and renew its server certificate (renew-cert)");

        // Help and version are our own flags (HelpText and ProgramVersion), not System.CommandLine's, and
        // [directives] are not setup syntax.
        root.Options.Clear();
        root.Directives.Clear();

        var options = new Dictionary<string, Option>(StringComparer.Ordinal);
        foreach (var flag in Flags.All)
        {
            var aliases = flag.Name == Flags.Help ? new[] { "-" + flag.Name, "-h" } : ["-" + flag.Name];
            Option option = flag.IsSwitch
                ? new Option<bool>("--" + flag.Name, aliases) { Arity = ArgumentArity.Zero, Recursive = true }
                : new Option<string>("--" + flag.Name, aliases) { Recursive = true, HelpName = flag.ValueName };
            option.Description = flag.Help;
            root.Options.Add(option);
            options[flag.Name] = option;
        }

        // An action makes the subcommand optional to the parser: "no command given" is SetupApp's to say, with its fix.
        root.SetAction(_ => ExitCodes.Usage);
        foreach (var name in Flags.CommandNames)
        {
            root.Subcommands.Add(new Command(name));
        }

        return new SetupCommandTree(root, options);
    }
}
