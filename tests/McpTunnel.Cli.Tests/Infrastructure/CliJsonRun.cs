using System.Text.Json;

namespace McpTunnel.Cli.Tests.Infrastructure;

/// <summary>What one <c>mcptunnel … --json</c> run printed, parsed; dispose it to free the document.</summary>
internal sealed class CliJsonRun : IDisposable
{
    private readonly JsonDocument _document;

    private CliJsonRun(int exitCode, JsonDocument document, string output)
    {
        ExitCode = exitCode;
        _document = document;
        Output = output;
    }

    public int ExitCode { get; }

    public JsonElement Root => _document.RootElement;

    /// <summary>The document as printed, for asserting what it must not contain.</summary>
    public string Output { get; }

    public static async Task<CliJsonRun> RunAsync(params string[] args)
    {
        var (exit, output, error) = await CliRunner.RunAsync(args);
        try
        {
            return new CliJsonRun(exit, JsonDocument.Parse(output), output);
        }
        catch (JsonException ex)
        {
            throw new Xunit.Sdk.XunitException($"exit {exit}: stdout is not one JSON document ({ex.Message})\n--- stdout\n{output}--- stderr\n{error}");
        }
    }

    /// <summary>
    /// Asserts the exit code and the fields every <c>--json</c> document starts with (docs/CLI.md): schema 1, the
    /// command, and <c>ok</c> and <c>exitCode</c> agreeing with the process's exit code.
    /// </summary>
    public void AssertHeader(string command, int exitCode)
    {
        Assert.True(ExitCode == exitCode, $"expected exit {exitCode}, got {ExitCode}: {Output}");
        Assert.Equal(1, Root.GetProperty("schema").GetInt32());
        Assert.Equal(command, Root.GetProperty("command").GetString());
        Assert.Equal(exitCode == 0, Root.GetProperty("ok").GetBoolean());
        Assert.Equal(exitCode, Root.GetProperty("exitCode").GetInt32());
    }

    public void Dispose() => _document.Dispose();
}
