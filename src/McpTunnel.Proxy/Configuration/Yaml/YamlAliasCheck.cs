using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace McpTunnel.Proxy.Configuration.Yaml;

/// <summary>
/// Finds the aliases YamlDotNet cannot load safely: one that refers to a node it sits inside
/// (<c>a: &amp;x {b: *x}</c>), which becomes a cyclic graph, and one that refers to an anchor not defined before it,
/// which stays an unresolved alias node. Either makes YamlDotNet overflow the stack when it compares or hashes the
/// node, which no catch can stop (both found by fuzzing the loader). A config never needs either (YAML requires an
/// anchor before its aliases anyway), so the event stream is scanned first and the alias refused with its line.
/// </summary>
internal static class YamlAliasCheck
{
    /// <summary>The first unsafe alias as (line, anchor, what is wrong), or null when there is none. Throws what the parser throws.</summary>
    public static (long Line, string Anchor, string Problem)? Find(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        var defined = new HashSet<string>(StringComparer.Ordinal);
        var open = new List<string?>(); // the anchors of the collections the parser is inside, outermost first
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case DocumentStart:
                    // Anchors belong to their document: an alias in a later one refers to nothing.
                    defined.Clear();
                    open.Clear();
                    break;
                case AnchorAlias alias when !defined.Contains(alias.Value.Value):
                    return (alias.Start.Line, alias.Value.Value, "refers to an anchor not defined before it");
                case AnchorAlias alias when open.Contains(alias.Value.Value):
                    return (alias.Start.Line, alias.Value.Value, "refers to a node that contains it");
                case NodeEvent { Anchor.IsEmpty: false } node:
                    defined.Add(node.Anchor.Value);
                    if (node is MappingStart or SequenceStart)
                    {
                        open.Add(node.Anchor.Value);
                    }

                    break;
                case MappingStart or SequenceStart:
                    open.Add(null);
                    break;
                case MappingEnd or SequenceEnd when open.Count > 0:
                    open.RemoveAt(open.Count - 1);
                    break;
            }
        }

        return null;
    }
}
