using McpTunnel.Cli.Terminal;
using McpTunnel.Proxy.Audit;

namespace McpTunnel.Cli.Audit;

/// <summary>
/// <c>mcptunnel audit verify</c>: reads the files, checks the chain, prints the first break with its file and line.
/// Exit 0 when the chain is intact (a torn tail, the half-written last line a crash leaves, is reported but is not a
/// fault: the records before it verify), 1 when a record was edited, removed, reordered or inserted or a file cannot
/// be read, 2 on a usage error.
/// </summary>
internal static class AuditVerifyAction
{
    public static int Run(IReadOnlyList<string> paths, bool json, TextWriter output, TextWriter error)
    {
        var files = new List<AuditFileBytes>(paths.Count);
        foreach (var path in paths)
        {
            try
            {
                files.Add(new AuditFileBytes(path, File.ReadAllBytes(path)));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                var message = $"cannot read {path}: {ex.Message}";
                if (json)
                {
                    JsonReport.Write(output, "audit verify", 1, w => WriteBody(w, null, message));
                }
                else
                {
                    error.WriteLine($"audit verify: {message}");
                }

                return 1;
            }
        }

        var result = AuditChainVerifier.Verify(files);
        var exitCode = result.Ok ? 0 : 1;
        if (json)
        {
            JsonReport.Write(output, "audit verify", exitCode, w => WriteBody(w, result, null));
            return exitCode;
        }

        foreach (var torn in result.TornTails)
        {
            output.WriteLine($"torn tail   {torn}: the last line was not finished (a crash or kill while writing it); the records before it verify");
        }

        if (result.StartsAfter is { } link)
        {
            output.WriteLine($"note        the first record continues an earlier file not given (prev {link[..Math.Min(12, link.Length)]}…)");
        }

        if (result.Problem is { } problem)
        {
            output.WriteLine($"FAIL        {problem.Location}: {problem.Kind}: {problem.Message}");
            output.WriteLine($"            {result.Records} record(s) before it verify");
            return 1;
        }

        output.WriteLine($"ok          {result.Records} record(s) in {result.Files} file(s): the chain is intact (a removed tail cannot be seen here; docs/AUDIT.md)");
        return 0;
    }

    private static void WriteBody(System.Text.Json.Utf8JsonWriter json, AuditVerifyResult? result, string? failure)
    {
        json.WriteStringOrNull("error", failure);
        json.WriteNumber("records", result?.Records ?? 0);
        json.WriteNumber("files", result?.Files ?? 0);
        json.WriteObjects("tornTails", result?.TornTails ?? [], (json, torn) =>
        {
            json.WriteString("file", torn.File);
            json.WriteNumber("line", torn.Line);
        });
        json.WriteStringOrNull("startsAfter", result?.StartsAfter);
        json.WriteObjectOrNull("problem", result?.Problem, (json, problem) =>
        {
            json.WriteString("file", problem.Location.File);
            json.WriteNumber("line", problem.Location.Line);
            json.WriteString("kind", problem.Kind);
            json.WriteString("message", problem.Message);
        });
    }
}
