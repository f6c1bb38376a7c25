using System.CommandLine;
using System.CommandLine.Parsing;
using McpTunnel.CommandLine;

namespace McpTunnel.Setup.Commands;

/// <summary>
/// Parses <c>setup &lt;command&gt; [flags]</c> with System.CommandLine (<see cref="SetupCommandTree"/>), accepting
/// Go's and GNU's spellings: <c>--name=value</c>, <c>--name value</c>, <c>-name=value</c> and <c>-name value</c>,
/// before or after the subcommand; <c>help</c> as a word means <c>--help</c>. Every problem is a usage error
/// (exit 2) worded as before the move to System.CommandLine: the flag, what is wrong, and the fix.
/// </summary>
internal static class CommandLineParser
{
    /// <summary>The flag table, for telling a flag that takes the next word from one that does not.</summary>
    private static readonly SetupOptions Table = new();

    public static ParsedCommandLine Parse(IReadOnlyList<string> args)
    {
        var (words, helpWord) = TakeHelpWord(args);
        var tree = SetupCommandTree.Create();
        var result = tree.Root.Parse(words, SetupCommandTree.ParserConfiguration);
        var command = result.CommandResult.Command is RootCommand ? null : result.CommandResult.Command.Name;

        // Words the tree does not know, in the order typed: an unknown flag or command explains any later error.
        foreach (var token in result.UnmatchedTokens)
        {
            if (FlagWord.IsFlag(token))
            {
                var name = FlagWord.Name(token);
                throw SetupException.Usage($"unknown flag --{name}", "run `setup --help` for the flags each command takes");
            }

            if (command is null)
            {
                throw SetupException.Usage($"unknown command \"{token}\"", "use `setup init` or `setup renew-cert`; run `setup --help`");
            }

            throw SetupException.Usage($"unexpected argument \"{token}\" after command {command}", "flags take the form --name=value; run `setup --help`");
        }

        var options = tree.Options;
        foreach (var flag in options.All.Where(f => !f.IsSwitch))
        {
            if (result.GetResult(flag.Option) is not OptionResult { Implicit: false } given)
            {
                continue;
            }

            // System.CommandLine drops the empty word of "--name=", so an empty value shows up as no value.
            var value = given.Tokens.Count == 0 ? null : given.Tokens[^1].Value;
            if (string.IsNullOrEmpty(value) && words.Any(w => w == $"--{flag.Name}=" || w == $"-{flag.Name}="))
            {
                throw SetupException.Usage($"flag --{flag.Name} has an empty value", $"write --{flag.Name}=<{flag.ValueName}>, or leave the flag out");
            }

            if (value is null)
            {
                throw SetupException.Usage($"flag --{flag.Name} needs a value", $"write --{flag.Name}=<{flag.ValueName}>");
            }

            if (given.Tokens.Count > 1)
            {
                // Go would keep the last; a flag typed twice with two values is more likely a mistake than a wish.
                throw SetupException.Usage($"flag --{flag.Name} is given {given.Tokens.Count} times", $"give --{flag.Name} once");
            }

            if (command is not null && !flag.Commands.Contains(command))
            {
                throw SetupException.Usage(
                    $"flag --{flag.Name} does not apply to {command}",
                    $"--{flag.Name} is a flag of {string.Join(" and ", flag.Commands)}; remove it from this command");
            }
        }

        // Anything the checks above did not word themselves; a value its flag's rule refused is not among them:
        // SettingsBinder reports those together with the environment's problems.
        if (result.Errors.FirstOrDefault(e => !IsValueError(e, options)) is { } error)
        {
            throw SetupException.Usage(error.Message.TrimEnd('.'), "give each flag once; run `setup --help`");
        }

        var help = helpWord || Given(result, options.Help);
        var version = Given(result, options.Version);
        return new ParsedCommandLine(command, result, options, help, version);
    }

    private static bool IsValueError(ParseError error, SetupOptions options) =>
        error.SymbolResult is OptionResult { Tokens.Count: 1 } given && options.All.Any(f => !f.IsSwitch && f.Option == given.Option);

    private static bool Given(ParseResult result, Option option) =>
        result.GetResult(option) is OptionResult { Implicit: false };

    /// <summary><c>setup help [command]</c> is <c>setup [command] --help</c> (the word, not a flag value).</summary>
    private static (List<string> Words, bool Help) TakeHelpWord(IReadOnlyList<string> args)
    {
        var words = new List<string>(args.Count);
        var help = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var previousTakesValue = i > 0 && TakesSeparateValue(args[i - 1]);
            if (arg == "help" && !previousTakesValue)
            {
                help = true;
                continue;
            }

            words.Add(arg);
        }

        return (words, help);
    }

    private static bool TakesSeparateValue(string arg)
    {
        if (!FlagWord.IsFlag(arg) || FlagWord.Split(arg).Value is not null)
        {
            return false;
        }

        return Table.Find(FlagWord.Name(arg)) is { IsSwitch: false };
    }
}
