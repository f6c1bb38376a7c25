namespace McpTunnel.Setup.Commands;

/// <summary>
/// Parses <c>setup &lt;command&gt; [flags]</c> the way Go's <c>flag</c> package does, plus GNU forms:
/// <c>--name=value</c>, <c>--name value</c>, <c>-name=value</c> and <c>-name value</c> (the docs write <c>--name=value</c>; Go tools take one dash).
/// Flags may come before or after the subcommand. Every problem is a usage error (exit 2).
/// </summary>
internal static class CommandLineParser
{
    public static ParsedCommandLine Parse(IReadOnlyList<string> args)
    {
        string? command = null;
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        var help = false;
        var version = false;

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg.Length < 2 || arg[0] != '-')
            {
                if (command is not null)
                {
                    throw SetupException.Usage($"unexpected argument \"{arg}\" after command {command}", "flags take the form --name=value; run `setup --help`");
                }

                command = arg == "help" ? null : arg;
                help |= arg == "help";
                if (command is not null && !Flags.CommandNames.Contains(command))
                {
                    throw SetupException.Usage($"unknown command \"{command}\"", "use `setup init` or `setup renew-cert`; run `setup --help`");
                }

                continue;
            }

            var body = arg.StartsWith("--", StringComparison.Ordinal) ? arg[2..] : arg[1..];
            var equals = body.IndexOf('=', StringComparison.Ordinal);
            var name = equals >= 0 ? body[..equals] : body;
            var definition = Flags.Find(name)
                ?? throw SetupException.Usage($"unknown flag --{name}", "run `setup --help` for the flags each command takes");

            if (definition.IsSwitch)
            {
                help |= definition.Name == Flags.Help;
                version |= definition.Name == Flags.Version;
                continue;
            }

            string value;
            if (equals >= 0)
            {
                value = body[(equals + 1)..];
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            else
            {
                throw SetupException.Usage($"flag --{name} needs a value", $"write --{name}=<{definition.ValueName}>");
            }

            if (value.Length == 0)
            {
                throw SetupException.Usage($"flag --{name} has an empty value", $"write --{name}=<{definition.ValueName}>, or leave the flag out");
            }

            flags[definition.Name] = value;
        }

        if (command is not null)
        {
            foreach (var name in flags.Keys)
            {
                var definition = Flags.Find(name)!;
                if (!definition.Commands.Contains(command))
                {
                    throw SetupException.Usage(
                        $"flag --{name} does not apply to {command}",
                        $"--{name} is a flag of {string.Join(" and ", definition.Commands)}; remove it from this command");
                }
            }
        }

        return new ParsedCommandLine(command, flags, help, version);
    }
}
