using Spectre.Console;

namespace McpTunnel.Cli.Doctor;

/// <summary>On a terminal, a Spectre table summarising the report after the streamed lines: one row and mark per check.</summary>
internal static class DoctorTable
{
    public static void Write(IAnsiConsole console, DoctorReport report)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("mcptunnel doctor");
        table.AddColumn("Layer");
        table.AddColumn("Name");
        table.AddColumn("Check");
        table.AddColumn("Result");
        foreach (var check in report.Checks)
        {
            var mark = check.Status switch
            {
                DoctorStatus.Pass => "[green]PASS[/]",
                DoctorStatus.Warn => "[yellow]WARN[/]",
                DoctorStatus.Skip => "[grey]SKIP[/]",
                _ => "[red]FAIL[/]",
            };
            table.AddRow(Markup.Escape(check.Layer.ToString()), Markup.Escape(check.Subject), Markup.Escape(check.Name), mark);
        }

        console.Write(table);
    }
}
