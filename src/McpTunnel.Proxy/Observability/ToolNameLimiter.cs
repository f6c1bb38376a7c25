using System.Collections.Concurrent;

namespace McpTunnel.Proxy.Observability;

/// <summary>
/// Keeps the <c>tool</c> label bounded. Tool names come from the client, so a client could invent a new one per call
/// and grow the series without limit: the first <see cref="Capacity"/> distinct well-formed names get their own
/// label, every later or malformed name is counted as <c>other</c>. Well-formed follows the MCP rule for tool names
/// (1 to 128 of <c>A-Z a-z 0-9 _ - . /</c>), which also keeps odd bytes out of the exposition.
/// </summary>
internal sealed class ToolNameLimiter
{
    public const int Capacity = 100;
    public const string Other = "other";
    private const int MaxLength = 128;

    private readonly ConcurrentDictionary<string, string> _known = new(StringComparer.Ordinal);
    private int _count;

    public string Label(string name)
    {
        if (_known.TryGetValue(name, out var label))
        {
            return label;
        }

        if (!IsWellFormed(name))
        {
            return Other;
        }

        if (Interlocked.Increment(ref _count) > Capacity)
        {
            Interlocked.Decrement(ref _count);
            return Other;
        }

        return _known.GetOrAdd(name, name);
    }

    private static bool IsWellFormed(string name)
    {
        if (name.Length is 0 or > MaxLength)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '/'))
            {
                return false;
            }
        }

        return true;
    }
}
