using System.Text;

namespace McpTunnel.Bench.Tests;

/// <summary>The targets table comes from the targets file: each target judged against the measurements under its metric.</summary>
public sealed class TargetsReportTests
{
    [Fact]
    public void ShippedTargetsFile_LoadsNextToTheProgram_EveryTargetWithABound()
    {
        var targets = TargetsFile.Load(TargetsFile.DefaultPath);

        Assert.NotEmpty(targets);
        Assert.All(targets, t => Assert.True(t.Min is not null || t.Max is not null, t.Metric));
        Assert.Contains(targets, t => t.Metric == "handshake.tunnels_per_cpu_second" && t.Min == 1200);
    }

    [Fact]
    public void Target_WithASubject_JudgesOnlyThatSubject_AndOneWithoutJudgesEach()
    {
        Target[] targets =
        [
            new() { Metric = "rr.server_cpu_vs_nginx", Subject = "h2", Max = 0.75, Text = "h2 CPU ≤ 0.75× nginx" },
            new() { Metric = "sse.added_p99_ms", Max = 1.0, Text = "SSE added p99 ≤ 1 ms" },
            new() { Metric = "start.rss_mib", Max = 20, Text = "RSS ≤ 20 MiB" },
        ];
        Measurement[] measured =
        [
            new("rr.server_cpu_vs_nginx", "h1.1", 0.5, "0.50×"),
            new("rr.server_cpu_vs_nginx", "h2", 0.8, "0.80×"),
            new("sse.added_p99_ms", "tunnel h1.1", 0.2, "0.200 ms"),
            new("sse.added_p99_ms", "tunnel h2", 1.2, "1.200 ms"),
        ];
        var md = new StringBuilder();

        TargetsReport.Write(md, targets, measured);

        Assert.Equal(
            [
                "| h2 CPU ≤ 0.75× nginx | h2: 0.80× | **no** |",
                "| SSE added p99 ≤ 1 ms | tunnel h1.1: 0.200 ms | yes |",
                "| SSE added p99 ≤ 1 ms | tunnel h2: 1.200 ms | **no** |",
                "| RSS ≤ 20 MiB | not measured in this run | n/a |",
            ],
            md.ToString().Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| target ", StringComparison.Ordinal)));
    }

    [Fact]
    public void TargetsFile_TargetWithoutBound_IsRefusedNamingIt()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, """{ "targets": [ { "metric": "start.rss_mib", "text": "RSS" } ] }""");

            var error = Assert.Throws<InvalidDataException>(() => TargetsFile.Load(path));

            Assert.Contains("'start.rss_mib' has neither min nor max", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
