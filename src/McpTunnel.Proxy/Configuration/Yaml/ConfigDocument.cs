using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace McpTunnel.Proxy.Configuration.Yaml;

/// <summary>
/// Parses the config text into its top-level mapping, or reports why it cannot: a syntax error with its line, an
/// alias YamlDotNet cannot load safely, an empty file, or a top level that is not a mapping. Only the first YAML
/// document is the config, as with Go's decoder.
/// </summary>
internal static class ConfigDocument
{
    private const string SyntaxFix = "fix the YAML syntax (indentation, quoting, a missing ':')";

    public static YamlMappingNode? ReadRoot(string yaml, ConfigDiagnostics diagnostics)
    {
        var stream = new YamlStream();
        try
        {
            if (YamlAliasCheck.Find(yaml) is { } unsafeAlias)
            {
                diagnostics.Error("yaml", $"line {unsafeAlias.Line}: alias *{unsafeAlias.Anchor} {unsafeAlias.Problem}", "define the anchor (&name) before its aliases and never inside the node it names, or write the value out");
                return null;
            }

            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            diagnostics.Error("yaml", $"line {ex.Start.Line}: {ex.Message}", SyntaxFix);
            return null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet reports some malformed documents (a stray "!!" tag, a lone surrogate escape, a document
            // marker in the wrong place) with these instead of YamlException; found by fuzzing the loader.
            diagnostics.Error("yaml", $"the document is not valid YAML: {ex.Message}", SyntaxFix);
            return null;
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            diagnostics.Error("config", "the file is empty", "see the documented example with listen_addr, tls and routes");
            return null;
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            var node = stream.Documents[0].RootNode;
            diagnostics.Error("config", $"line {node.Start.Line}: cannot unmarshal {YamlTags.Of(node)} into config", "the top level must be a mapping of keys such as listen_addr: and routes:");
            return null;
        }

        return root;
    }
}
