using System.Text;
using static McpTunnel.Bench.Markdown;

namespace McpTunnel.Bench;

/// <summary>
/// The targets table: every target of the targets file against the measurements the parts offered under its metric
/// (one row per subject, or only its own subject when the target names one); a target nothing measured says so.
/// </summary>
internal static class TargetsReport
{
    public static void Write(StringBuilder md, IReadOnlyList<Target> targets, IReadOnlyList<Measurement> measurements)
    {
        Line(md, "## Targets");
        Line(md);
        Line(md, "| target | measured | met |");
        Line(md, "|---|---|---|");
        foreach (var target in targets)
        {
            var matching = measurements.Where(m => m.Metric == target.Metric && (target.Subject is null || m.Subject == target.Subject)).ToList();
            if (matching.Count == 0)
            {
                Line(md, $"| {target.Text} | not measured in this run | n/a |");
                continue;
            }

            foreach (var measurement in matching)
            {
                Line(md, $"| {target.Text} | {measurement.Subject}: {measurement.Shown} | {Met(target.IsMetBy(measurement.Value))} |");
            }
        }

        Line(md);
    }
}
