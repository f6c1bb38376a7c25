using McpTunnel.Cli.Terminal;

namespace McpTunnel.Cli.Doctor;

/// <summary>Plain lines: one per check with a fixed-width mark, the cause and fix under each failure, then a verdict.</summary>
internal static class DoctorReportWriter
{
    public static void WriteLayer(TextWriter output, DoctorLayer layer) => output.WriteLine(Title(layer));

    public static void WriteCheck(TextWriter output, DoctorCheck check)
    {
        var mark = check.Status switch
        {
            DoctorStatus.Pass => CheckMark.Pass,
            DoctorStatus.Warn => CheckMark.Warn,
            DoctorStatus.Skip => CheckMark.Skip,
            _ => CheckMark.Fail,
        };
        output.WriteLine($"  {mark}  {check.Subject,-28} {check.Name,-18} {check.Detail}");
        if (check.Row is { } row)
        {
            output.WriteLine($"        why: {row.Describe()}");
        }

        if ((check.Fix ?? check.Row?.Fix) is { } fix && check.Status is DoctorStatus.Fail or DoctorStatus.Warn)
        {
            output.WriteLine($"        fix: {fix}");
        }
    }

    public static void WriteSkipped(TextWriter output, DoctorLayer layer) =>
        output.WriteLine($"{Title(layer)}\n  {CheckMark.Skip}  not checked: fix the layer above first (each layer depends on the one before it)");

    public static void WriteVerdict(TextWriter output, DoctorReport report)
    {
        var failures = report.Failures.ToList();
        output.WriteLine(failures.Count == 0
            ? $"doctor: all {report.Checks.Count} checks passed"
            : $"doctor: {failures.Count} check{(failures.Count == 1 ? "" : "s")} failed; first broken layer: {Title(report.FirstBrokenLayer!.Value)}");
    }

    private static string Title(DoctorLayer layer) => layer switch
    {
        DoctorLayer.Config => "[config] proxy config and registered CA",
        DoctorLayer.Proxy => "[a] proxy listener (WebSocket)",
        DoctorLayer.InnerTls => "[b] inner TLS (trusting only the CA)",
        DoctorLayer.Admin => "[admin] the proxy's readiness and failure counters (admin_addr)",
        DoctorLayer.OAuth => "[oauth] OAuth discovery through the tunnel, as Claude's backend walks it",
        _ => "[c] routes and upstreams",
    };
}
