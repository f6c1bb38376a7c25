using McpTunnel.Deploy.Tests.Support;

namespace McpTunnel.Deploy.Tests.Docker;

/// <summary>deploy/docker/Dockerfile as a list of instructions (continuations joined, comments dropped).</summary>
internal sealed record Instruction(string Keyword, string Args, int Stage);

internal static class Dockerfile
{
    public static string Text { get; } = File.ReadAllText(RepoPaths.Of("deploy", "docker", "Dockerfile"));

    public static IReadOnlyList<Instruction> Instructions { get; } = Parse(Text);

    /// <summary>Instructions of the last stage (the image that ships).</summary>
    public static IEnumerable<Instruction> Final => Instructions.Where(i => i.Stage == Instructions.Max(x => x.Stage));

    private static List<Instruction> Parse(string text)
    {
        var result = new List<Instruction>();
        var stage = -1;
        var current = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (current.Length == 0 && (line.TrimStart().StartsWith('#') || line.Trim().Length == 0))
            {
                continue;
            }

            if (line.TrimStart().StartsWith('#'))
            {
                continue; // comment inside a continued instruction
            }

            if (line.EndsWith('\\'))
            {
                current += line[..^1] + " ";
                continue;
            }

            current += line;
            var trimmed = current.Trim();
            var space = trimmed.IndexOf(' ', StringComparison.Ordinal);
            var keyword = (space < 0 ? trimmed : trimmed[..space]).ToUpperInvariant();
            if (keyword == "FROM")
            {
                stage++;
            }

            result.Add(new Instruction(keyword, space < 0 ? "" : trimmed[(space + 1)..].Trim(), stage));
            current = "";
        }

        return result;
    }
}
