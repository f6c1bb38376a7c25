using System.Text;
using McpTunnel.Proxy.Audit;

namespace McpTunnel.Proxy.Tests.Audit;

/// <summary>Every kind of tampering with a chain of records is found, at the record it concerns; a torn tail is not tampering.</summary>
public sealed class AuditChainVerifierTests
{
    /// <summary>A chain of <paramref name="count"/> records written as the audit log writes them (an anchor, then dropped-count records).</summary>
    internal static List<string> Chain(int count, string? startAfter = null, long firstSeq = 0)
    {
        using var json = new AuditRecordJson();
        var lines = new List<string>();
        var prev = startAfter;
        var time = new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < count; i++)
        {
            var seq = firstSeq + i;
            var line = i == 0 ? json.Anchor(seq, time, "mcp-proxy test", "ab", "start", prev) : json.Dropped(seq, time.AddSeconds(i), "queue", i, prev);
            lines.Add(Encoding.UTF8.GetString(line.Span));
            prev = AuditChain.HashOf(line.Span);
        }

        return lines;
    }

    private static AuditVerifyResult Verify(params (string Name, string Text)[] files) =>
        AuditChainVerifier.Verify([.. files.Select(f => new AuditFileBytes(f.Name, Encoding.UTF8.GetBytes(f.Text)))]);

    private static string File(IEnumerable<string> lines) => string.Concat(lines.Select(l => l + "\n"));

    [Fact]
    public void IntactChain_Verifies()
    {
        var result = Verify(("a", File(Chain(6))));

        Assert.True(result.Ok);
        Assert.Equal(6, result.Records);
        Assert.Empty(result.TornTails);
        Assert.Null(result.StartsAfter);
    }

    [Fact]
    public void EditedRecord_IsReportedAtItsOwnLine()
    {
        var lines = Chain(6);
        lines[2] = lines[2].Replace("\"count\":2", "\"count\":0", StringComparison.Ordinal);

        var result = Verify(("a", File(lines)));

        Assert.Equal(("a", 3, "edited"), (result.Problem!.Location.File, result.Problem.Location.Line, result.Problem.Kind));
        Assert.Equal(3, result.Records);
    }

    [Fact]
    public void EditThatBreaksTheJson_IsNotARecord()
    {
        var lines = Chain(4);
        lines[1] = lines[1][..^5];

        var result = Verify(("a", File(lines)));

        Assert.Equal((2, "not_a_record"), (result.Problem!.Location.Line, result.Problem.Kind));
    }

    [Fact]
    public void RemovedRecord_IsReportedWhereTheGapIs()
    {
        var lines = Chain(6);
        lines.RemoveAt(2);

        var result = Verify(("a", File(lines)));

        Assert.Equal((3, "removed"), (result.Problem!.Location.Line, result.Problem.Kind));
        Assert.Contains("1 record(s)", result.Problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReorderedRecords_AreReported()
    {
        var lines = Chain(6);
        (lines[2], lines[3]) = (lines[3], lines[2]);

        var result = Verify(("a", File(lines)));

        Assert.Equal((3, "reordered"), (result.Problem!.Location.Line, result.Problem.Kind));
    }

    [Fact]
    public void InsertedRecord_ThatLinksCorrectlyToTheOneBefore_IsStillReported()
    {
        var lines = Chain(6);
        using var json = new AuditRecordJson();
        var forged = json.Dropped(3, DateTimeOffset.UnixEpoch, "queue", 99, AuditChain.HashOf(Encoding.UTF8.GetBytes(lines[2]))); // links to line 3 as a real one would
        lines.Insert(3, Encoding.UTF8.GetString(forged.Span));

        var result = Verify(("a", File(lines)));

        Assert.Equal((4, "inserted"), (result.Problem!.Location.Line, result.Problem.Kind));
    }

    [Fact]
    public void TornTail_IsReported_AndTheRecordsBeforeItVerify()
    {
        var lines = Chain(5);
        var text = File(lines) + lines[4][..20]; // a crash in the middle of the next line

        var result = Verify(("a", text));

        Assert.True(result.Ok);
        Assert.Equal(5, result.Records);
        Assert.Equal(new AuditLocation("a", 6), Assert.Single(result.TornTails));
    }

    [Fact]
    public void ChainAcrossFiles_Verifies_AndAMissingMiddleFileIsReported()
    {
        var lines = Chain(9);
        var (first, second, third) = (File(lines[..3]), File(lines[3..6]), File(lines[6..]));

        Assert.True(Verify(("a.1", first), ("a.2", second), ("a", third)).Ok);

        var missing = Verify(("a.1", first), ("a", third));
        Assert.Equal(("a", 1, "removed"), (missing.Problem!.Location.File, missing.Problem.Location.Line, missing.Problem.Kind));

        var swapped = Verify(("a.2", second), ("a.1", first), ("a", third));
        Assert.False(swapped.Ok);
        Assert.Equal("a.1", swapped.Problem!.Location.File);
    }

    [Fact]
    public void TornTailOfAFileFollowedByTheNextRunsFile_Verifies()
    {
        var lines = Chain(6);
        var crashed = File(lines[..3]) + "{\"audit\":1,\"se"; // the run that was killed
        var next = File(lines[3..]);

        var result = Verify(("a.1", crashed), ("a", next));

        Assert.True(result.Ok);
        Assert.Equal(new AuditLocation("a.1", 4), Assert.Single(result.TornTails));
    }

    [Fact]
    public void ChainThatBeganInAFileNotGiven_VerifiesAndSaysSo()
    {
        var lines = Chain(6);

        var result = Verify(("a", File(lines[2..])));

        Assert.True(result.Ok);
        Assert.Equal(AuditChain.HashOf(Encoding.UTF8.GetBytes(lines[1])), result.StartsAfter);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("[1,2]\n")]
    [InlineData("{\"audit\":1,\"seq\":0,\"type\":\"anchor\",\"prev\":null} trailing\n")]
    [InlineData("{\"audit\":2,\"seq\":0,\"type\":\"anchor\",\"prev\":null}\n")]
    public void LinesThatAreNotRecords_AreReported_NeverThrow(string text)
    {
        var result = Verify(("a", text));

        Assert.Equal(text.Length == 0, result.Ok);
    }
}
