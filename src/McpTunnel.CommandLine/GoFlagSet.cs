namespace McpTunnel.CommandLine;

/// <summary>
/// A command line read as Go's <c>flag</c> package reads one, for an executable whose flags are few and whose start
/// time matters (mcp-proxy; docs/ARCHITECTURE.md "Command line"): <c>-name value</c>, <c>-name=value</c>, the same
/// with <c>--</c>; a switch takes no value (a <c>=value</c> after it is ignored); the value of a flag that takes one
/// is the next word verbatim, even when it starts with a dash (<c>-config -x</c> reads the path <c>-x</c>). The
/// first problem, in the order typed, is the error, in Go's words: <c>flag provided but not defined: -x</c>,
/// <c>flag needs an argument: -config</c>, <c>unexpected argument "…"</c>.
/// </summary>
internal sealed class GoFlagSet
{
    private readonly Dictionary<string, Action<string?>> flags = new(StringComparer.Ordinal);
    private readonly HashSet<string> takesValue = new(StringComparer.Ordinal);

    /// <summary>A flag that takes a value, under each of its names.</summary>
    public GoFlagSet Value(Action<string> set, params string[] names)
    {
        foreach (var name in names)
        {
            flags[name] = value => set(value!);
            takesValue.Add(name);
        }

        return this;
    }

    /// <summary>A switch (no value), under each of its names.</summary>
    public GoFlagSet Switch(Action set, params string[] names)
    {
        foreach (var name in names)
        {
            flags[name] = _ => set();
        }

        return this;
    }

    /// <summary>Reads <paramref name="args"/> into the flags' setters; false with Go's text for the first problem.</summary>
    public bool TryParse(IReadOnlyList<string> args, out string error)
    {
        error = string.Empty;
        for (var i = 0; i < args.Count; i++)
        {
            var word = args[i];
            if (!FlagWord.IsFlag(word) || word == "--")
            {
                error = $"unexpected argument \"{word}\"";
                return false;
            }

            var (name, value) = FlagWord.Split(word);
            if (!flags.TryGetValue(name, out var set))
            {
                error = $"flag provided but not defined: -{name}";
                return false;
            }

            if (takesValue.Contains(name) && value is null)
            {
                if (i + 1 >= args.Count)
                {
                    error = $"flag needs an argument: -{name}";
                    return false;
                }

                value = args[++i];
            }

            set(value);
        }

        return true;
    }
}
