using McpTunnel.Deploy.Tests.Support;

namespace McpTunnel.Deploy.Tests.Repository;

/// <summary>
/// A clone of the repository is all a reader has: comments and docs cite docs/ARCHITECTURE.md and the other files here,
/// never the design notes the project started from, which live outside the repository.
/// </summary>
public class SelfContainedReferencesTests
{
    // Spelled in pieces so that this file does not name them itself.
    private static readonly string[] OutsideDocuments =
        ["DESIGN" + ".md", "STYLE" + ".md", "BENCHMARKS" + ".md", "requirements" + ".md", "../" + "shared/"];

    private static readonly string[] TextExtensions =
        [".cs", ".md", ".sh", ".mjs", ".js", ".py", ".yaml", ".yml", ".json", ".csproj", ".props", ".targets", ".tpl", ".txt", ".editorconfig"];

    private static readonly string[] SkippedFolders = ["bin", "obj", "node_modules", ".git"];

    [Fact]
    public void SourcesTestsDocsAndDeployments_CiteNoDocumentOutsideTheRepository()
    {
        var offenders = new List<string>();
        foreach (var file in TextFiles(RepoPaths.Root))
        {
            var lineNumber = 0;
            foreach (var line in File.ReadLines(file))
            {
                lineNumber++;
                foreach (var document in OutsideDocuments)
                {
                    if (line.Contains(document, StringComparison.Ordinal))
                    {
                        offenders.Add($"{Path.GetRelativePath(RepoPaths.Root, file)}:{lineNumber} cites {document}");
                    }
                }
            }
        }

        Assert.True(offenders.Count == 0, "cite a file inside the repository instead (docs/ARCHITECTURE.md has the decisions):\n" + string.Join('\n', offenders));
    }

    [Fact]
    public void TheScan_ReadsTheFilesThatCiteThings()
    {
        // Guards the scan above against passing because it read nothing: these files carry most of the citations.
        var scanned = TextFiles(RepoPaths.Root).Select(f => Path.GetRelativePath(RepoPaths.Root, f).Replace('\\', '/')).ToHashSet();

        Assert.Contains("README.md", scanned);
        Assert.Contains("docs/ARCHITECTURE.md", scanned);
        Assert.Contains(".editorconfig", scanned);
        Assert.Contains("src/McpTunnel.Proxy/Hosting/ProxyServer.cs", scanned);
        Assert.Contains("tests/deploy/container-check.sh", scanned);
        Assert.DoesNotContain(scanned, f => f.Contains("/node_modules/", StringComparison.Ordinal) || f.Contains("/obj/", StringComparison.Ordinal));
    }

    private static IEnumerable<string> TextFiles(string directory)
    {
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            var name = Path.GetFileName(file);
            if (TextExtensions.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
            {
                yield return file;
            }
        }

        foreach (var sub in Directory.EnumerateDirectories(directory))
        {
            if (!SkippedFolders.Contains(Path.GetFileName(sub), StringComparer.Ordinal) && !Path.GetFileName(sub).StartsWith("bench-results", StringComparison.Ordinal))
            {
                foreach (var file in TextFiles(sub))
                {
                    yield return file;
                }
            }
        }
    }
}
