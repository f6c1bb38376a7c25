using System.CommandLine;

namespace McpTunnel.Setup.Commands;

/// <summary>
/// setup's command line as a System.CommandLine tree of <see cref="SetupOptions"/>: subcommands <c>init</c> and
/// <c>renew-cert</c>, each flag spelled <c>--name</c> and (Go style) <c>-name</c>, both taking <c>=value</c> or the
/// next word. Flags are declared on the root as recursive so they may come before the subcommand too, as Go's
/// flag package and the docs' <c>docker compose run --rm setup [&lt;subcommand&gt; …]</c> allow; whether a flag
/// applies to the chosen subcommand is checked by <see cref="CommandLineParser"/> against the table.
/// </summary>
internal sealed class SetupCommandTree
{
    private SetupCommandTree(RootCommand root, SetupOptions options)
    {
        Root = root;
        Options = options;
    }

    public RootCommand Root { get; }

    public SetupOptions Options { get; }

    /// <summary>No response files (<c>@file</c> is an ordinary word here) and no bundling of single-letter flags.</summary>
    public static ParserConfiguration ParserConfiguration { get; } = new() { ResponseFileTokenReplacer = null, EnablePosixBundling = false };

    public static SetupCommandTree Create()
    {
        var root = new RootCommand("setup: provision an MCP tunnel (init) and renew its server certificate (renew-cert)");

        // Help and version are our own flags (HelpText and ProgramVersion), not System.CommandLine's, and
        // [directives] are not setup syntax.
        root.Options.Clear();
        root.Directives.Clear();

        var options = new SetupOptions();
        foreach (var flag in options.All)
        {
            root.Options.Add(flag.Option);
        }

        // An action makes the subcommand optional to the parser: "no command given" is SetupApp's to say, with its fix.
        root.SetAction(_ => ExitCodes.Usage);
        foreach (var name in SetupOptions.CommandNames)
        {
            root.Subcommands.Add(new Command(name));
        }

        return new SetupCommandTree(root, options);
    }
}
