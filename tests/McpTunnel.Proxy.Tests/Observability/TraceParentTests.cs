using System.Diagnostics;
using McpTunnel.Proxy.Observability;
using Microsoft.Extensions.Primitives;

namespace McpTunnel.Proxy.Tests.Observability;

/// <summary>The caller's traceparent is continued only when W3C Trace Context calls it valid; anything else starts a new trace.</summary>
public sealed class TraceParentTests
{
    private const string TraceId = "0af7651916cd43dd8448eb211c80319c";
    private const string ParentId = "b7ad6b7169203331";

    public static TheoryData<string, string> Invalid => new()
    {
        { "garbage", "garbage" },
        { "underscore separators", $"00_{TraceId}_{ParentId}_01" },
        { "one underscore", $"00-{TraceId}_{ParentId}-01" },
        { "all-zero trace id", $"00-00000000000000000000000000000000-{ParentId}-01" },
        { "all-zero parent id", $"00-{TraceId}-0000000000000000-01" },
        { "upper-case trace id", $"00-{TraceId.ToUpperInvariant()}-{ParentId}-01" },
        { "upper-case version", $"0A-{TraceId}-{ParentId}-01" },
        { "version ff", $"ff-{TraceId}-{ParentId}-01" },
        { "version 00 with more after the flags", $"00-{TraceId}-{ParentId}-01-extra" },
        { "version 00 one character longer", $"00-{TraceId}-{ParentId}-010" },
        { "later version without a dash after the flags", $"cc-{TraceId}-{ParentId}-01x" },
        { "short trace id", $"00-{TraceId[..31]}-{ParentId}-01" },
        { "non-hex flags", $"00-{TraceId}-{ParentId}-0g" },
        { "non-hex parent id", $"00-{TraceId}-b7ad6b716920333z-01" },
        { "empty", "" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_IsNotContinued(string caseName, string value) =>
        Assert.False(TraceParent.TryParse(value, "vend=x", out _), caseName);

    [Fact]
    public void Repeated_IsNotContinued() =>
        Assert.False(TraceParent.TryParse(new StringValues([$"00-{TraceId}-{ParentId}-01", $"00-{TraceId}-{ParentId}-01"]), default, out _));

    [Theory]
    [InlineData($"00-{TraceId}-{ParentId}-01", true)]
    [InlineData($"00-{TraceId}-{ParentId}-00", false)]
    [InlineData($"cc-{TraceId}-{ParentId}-09", true)]
    [InlineData($"cc-{TraceId}-{ParentId}-08-what-the-future-adds", false)]
    public void Valid_IsContinued_WithItsIdsSampledFlagAndTraceState(string value, bool sampled)
    {
        Assert.True(TraceParent.TryParse(value, "vend=x,other=y", out var parent));

        Assert.Equal(TraceId, parent.TraceId.ToHexString());
        Assert.Equal(ParentId, parent.SpanId.ToHexString());
        Assert.Equal(sampled, parent.TraceFlags.HasFlag(ActivityTraceFlags.Recorded));
        Assert.Equal("vend=x,other=y", parent.TraceState);
        Assert.True(parent.IsRemote);
    }
}
