using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace McpTunnel.Proxy.Configuration;

/// <summary>
/// Finds an alias that refers to a node it sits inside (<c>a: &amp;x {b: *x}</c>). YamlDotNet builds such a document
/// into a cyclic graph and then overflows the stack hashing it, which no catch can stop (found by fuzzing the
/// loader). A config never needs one, so the event stream is scanned first and the alias refused with its line.
/// </summary>
internal static class RecursiveAliasCheck
{
    /// <summary>The first recursive alias as (line, anchor), or null when there is none. Throws what the parser throws.</summary>
    public static (long Line, string Anchor)? Find(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        var open = new List<string?>(); // the anchors of the collections the parser is inside, outermost first
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case MappingStart mapping:
                    open.Add(mapping.Anchor.IsEmpty ? null : mapping.Anchor.Value);
                    break;
                case SequenceStart sequence:
                    open.Add(sequence.Anchor.IsEmpty ? null : sequence.Anchor.Value);
                    break;
                case MappingEnd or SequenceEnd when open.Count > 0:
                    open.RemoveAt(open.Count - 1);
                    break;
                case AnchorAlias alias when open.Contains(alias.Value.Value):
                    return (alias.Start.Line, alias.Value.Value);
            }
        }

        return null;
    }
}
