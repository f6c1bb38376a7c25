using System.Reflection;
using McpTunnel.Cli.Terminal;

namespace McpTunnel.Cli.Tests.Terminal;

/// <summary>
/// <c>check</c> and <c>doctor</c> point at the README's troubleshooting table by row name: every name they print is
/// a row of that table, so the pointer never leads nowhere.
/// </summary>
public sealed class TroubleshootingTests
{
    public static TheoryData<string> RowNames()
    {
        var data = new TheoryData<string>();
        foreach (var field in typeof(Troubleshooting).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            data.Add(((TroubleshootingRow)field.GetValue(null)!).Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RowNames))]
    public void EveryRowTheToolsName_IsARowOfTheReadmeTroubleshootingTable(string name)
    {
        Assert.Contains(name, ReadmeRowNames());
    }

    [Fact]
    public void Describe_NamesTheRowInWords_NoLetter()
    {
        Assert.StartsWith("troubleshooting \"no route\": tunnel_domain missing", Troubleshooting.NoRoute.Describe(), StringComparison.Ordinal);
    }

    /// <summary>The first column of the table under the README's "Troubleshooting" heading.</summary>
    private static List<string> ReadmeRowNames()
    {
        var lines = File.ReadAllLines(Path.Combine(Tests.Hello.HelloNodeClientTests.RepoRoot(), "README.md"));
        var heading = Array.FindIndex(lines, l => l.StartsWith('#') && l.Contains("Troubleshooting", StringComparison.Ordinal));
        Assert.True(heading >= 0, "README.md has no Troubleshooting heading");
        return [.. lines.Skip(heading + 1)
            .SkipWhile(l => !l.StartsWith('|'))
            .TakeWhile(l => l.StartsWith('|'))
            .Skip(2) // header and separator
            .Select(l => l.Split('|')[1].Trim())];
    }
}
