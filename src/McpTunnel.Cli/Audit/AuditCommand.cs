using System.CommandLine;
using McpTunnel.Cli.Terminal;

namespace McpTunnel.Cli.Audit;

/// <summary><c>mcptunnel audit verify FILE...</c>: checks the proxy's audit files against their hash chain (docs/AUDIT.md).</summary>
internal static class AuditCommand
{
    public static Command Create() => new("audit", "Work with mcp-proxy's audit records (audit: in the proxy's config)")
    {
        CreateVerify(),
    };

    private static Command CreateVerify()
    {
        var files = new Argument<string[]>("FILE")
        {
            Description = "Audit files in the order they were written (rotated files first: audit.jsonl.* audit.jsonl)",
            Arity = ArgumentArity.OneOrMore,
        };
        var json = JsonReport.CreateOption();
        var command = new Command("verify", "Check that no audit record was edited, removed, reordered or inserted; exit 0 intact, 1 a problem found") { files, json };
        command.SetAction(result =>
        {
            var io = result.InvocationConfiguration;
            return AuditVerifyAction.Run(result.GetValue(files)!, result.GetValue(json), io.Output, io.Error);
        });
        return command;
    }
}
