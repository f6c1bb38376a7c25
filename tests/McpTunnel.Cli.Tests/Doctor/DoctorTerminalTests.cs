using System.Diagnostics;
using McpTunnel.Cli.Tests.Infrastructure;

namespace McpTunnel.Cli.Tests.Doctor;

/// <summary>
/// <c>mcptunnel doctor</c> on a real pseudo-terminal (util-linux <c>script</c>): the report appears once. (It used
/// to stream its lines and then repeat every check in a Spectre table when stdout was a terminal.)
/// </summary>
public sealed class DoctorTerminalTests : IAsyncLifetime
{
    private readonly TestStack _stack = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task OnATerminal_PrintsEachCheckAndTheVerdictOnce()
    {
        _stack.WriteConfig("echo: http://127.0.0.1:9", listen: $"127.0.0.1:{TestStack.FreePort()}");
        var dll = Path.Combine(AppContext.BaseDirectory, "mcptunnel.dll");
        var command = $"dotnet '{dll}' doctor --config '{_stack.ConfigPath}' --ca '{_stack.CaFile}' --timeout 2s";
        var start = new ProcessStartInfo("script") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-qec", command, "/dev/null" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        var text = await output;

        Assert.True(process.ExitCode == 1, text);
        Assert.Equal(1, Count(text, "[config] proxy config and registered CA"));
        Assert.Equal(1, Count(text, "FAIL"));
        Assert.Equal(1, Count(text, "doctor: 1 check failed"));
        Assert.Equal(0, Count(text, "mcptunnel doctor"));
        Assert.Equal(0, Count(text, "╭"));
    }

    private static int Count(string text, string value) => text.Split(value).Length - 1;
}
