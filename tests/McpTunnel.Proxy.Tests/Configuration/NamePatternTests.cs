using McpTunnel.Proxy.Configuration;

namespace McpTunnel.Proxy.Tests.Configuration;

public sealed class NamePatternTests
{
    [Theory]
    [InlineData("delete_*", "delete_ticket", true)]
    [InlineData("delete_*", "delete_", true)]
    [InlineData("delete_*", "undelete_ticket", false)]
    [InlineData("*_ticket", "search_ticket", true)]
    [InlineData("get_?", "get_a", true)]
    [InlineData("get_?", "get_ab", false)]
    [InlineData("*", "", true)]
    [InlineData("search", "Search", false)] // MCP names are case-sensitive
    [InlineData("file:///public/*", "file:///public/a/b.txt", true)] // * crosses slashes: URIs are names here
    [InlineData("file:///public/*", "file:///private/a", false)]
    [InlineData("a*b*c", "axxbyyc", true)]
    [InlineData("a*b*c", "axxbyy", false)]
    [InlineData(@"literal\*", "literal*", true)]
    [InlineData(@"literal\*", "literalx", false)]
    [InlineData(@"q\?", "q?", true)]
    public void Glob_MatchesAsDocumented(string pattern, string name, bool expected)
    {
        Assert.True(NamePattern.TryParse(pattern, out var parsed, out _));
        Assert.Equal(expected, parsed!.IsMatch(name));
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("bad\\", "lone \\")]
    [InlineData("tab\there", "control character")]
    public void InvalidPattern_IsRefusedWithTheReason(string pattern, string reason)
    {
        Assert.False(NamePattern.TryParse(pattern, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void HostileName_AgainstManyStars_MatchesInLinearTime()
    {
        // A backtracking matcher takes exponential time here; the linear one answers at once.
        Assert.True(NamePattern.TryParse("*a*a*a*a*a*a*a*a*a*a*b", out var pattern, out _));
        Assert.False(pattern!.IsMatch(new string('a', 20_000)));
    }
}
