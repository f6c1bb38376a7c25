using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;
using McpTunnel.CommandLine;

namespace McpTunnel.Cli.Terminal;

/// <summary>
/// How a wrong invocation is reported, the same way by every command: one line <c>mcptunnel CMD: what is wrong</c>
/// on stderr, then <c>Run 'mcptunnel CMD --help' for usage.</c>, exit 2. The whole help is not repeated (it buries
/// the one line that matters), and System.CommandLine's messages that name a .NET type are rewritten in words.
/// </summary>
internal static partial class UsageError
{
    public const int ExitCode = UsagePointer.ExitCode;

    public static void WritePointer(TextWriter error, ParseResult result) =>
        error.WriteLine(UsagePointer.For(CommandPath(result)));

    /// <summary>
    /// The first parse error (as Go's flag package, one problem at a time), then the pointer. A word the parser did
    /// not recognise comes first: it usually explains the others (a misspelt option leaves a required one missing).
    /// </summary>
    public static int Report(TextWriter error, ParseResult result)
    {
        var first = result.Errors.FirstOrDefault(e => e.Message.StartsWith(Unrecognized, StringComparison.Ordinal)) ?? result.Errors[0];
        error.WriteLine($"{CommandPath(result)}: {Describe(first, result.CommandResult.Command)}");
        WritePointer(error, result);
        return ExitCode;
    }

    /// <summary><c>mcptunnel certs server</c>: the command the user was typing, whatever the executable is called.</summary>
    public static string CommandPath(ParseResult result)
    {
        var names = new List<string>();
        for (SymbolResult? node = result.CommandResult; node is CommandResult command; node = command.Parent)
        {
            if (command.Command is not RootCommand)
            {
                names.Add(command.Command.Name);
            }
        }

        names.Add("mcptunnel");
        names.Reverse();
        return string.Join(' ', names);
    }

    // System.CommandLine's English texts (the CLI runs with invariant globalization, so they are never translated).
    private const string Unrecognized = "Unrecognized command or argument ";
    private const string CannotParse = "Cannot parse argument ";
    private const string RequiredCommand = "Required command was not provided";

    internal static string Describe(ParseError error, Command command)
    {
        var message = error.Message;

        // A value that does not convert: say what the option expects, in words, and what it got.
        if (message.StartsWith(CannotParse, StringComparison.Ordinal))
        {
            var (name, type, tokens) = error.SymbolResult switch
            {
                OptionResult option => (option.Option.Name, option.Option.ValueType, option.Tokens),
                ArgumentResult { Parent: OptionResult option } argument => (option.Option.Name, option.Option.ValueType, argument.Tokens),
                ArgumentResult argument => (argument.Argument.Name, argument.Argument.ValueType, argument.Tokens),
                _ => (null, null, null),
            };
            if (name is not null)
            {
                return $"{name} expects {Expectation(type!)}, got '{string.Join(' ', tokens!.Select(t => t.Value))}'";
            }
        }

        if (message.StartsWith(Unrecognized, StringComparison.Ordinal))
        {
            var token = message[Unrecognized.Length..].TrimEnd('.').Trim('\'');
            return token.StartsWith('-') ? $"unknown option '{token}'"
                : command.Subcommands.Count > 0 ? $"unknown command '{token}' (commands: {string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))})"
                : $"unexpected argument '{token}'";
        }

        if (message.StartsWith(RequiredCommand, StringComparison.Ordinal))
        {
            return $"a command is required: one of {string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}";
        }

        // A safety net for any other message that would show a type name.
        return TypeName().Replace(message.TrimEnd('.'), "a valid value");
    }

    private static string Expectation(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsArray)
        {
            type = type.GetElementType()!;
        }

        return type switch
        {
            _ when type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(uint) || type == typeof(ushort) => "a whole number",
            _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => "a number",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(TimeSpan) => "a duration such as 30s, 5m or 720h",
            _ when type.IsEnum => $"one of {string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant()))}",
            _ => "a valid value",
        };
    }

    [GeneratedRegex(@"'?System\.[A-Za-z0-9_.`\[\],]+'?")]
    private static partial Regex TypeName();
}
