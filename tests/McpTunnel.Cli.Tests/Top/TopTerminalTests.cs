using System.Diagnostics;
using System.Text;
using McpTunnel.Cli.Tests.Infrastructure;
using McpTunnel.Cli.Top;

namespace McpTunnel.Cli.Tests.Top;

/// <summary>
/// <c>mcptunnel top</c> on a real pseudo-terminal (util-linux <c>script</c>): it redraws the screen in place each
/// interval, and Ctrl+C typed into the terminal ends it cleanly with exit 0.
/// </summary>
public sealed class TopTerminalTests : IAsyncLifetime
{
    private readonly TestStack _stack = new();

    public async Task InitializeAsync()
    {
        _stack.WriteConfig("echo: http://127.0.0.1:9", "admin_addr: \"127.0.0.1:0\"\n" + TestStack.LoopbackAllowed);
        await _stack.StartProxyAsync();
    }

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task OnATerminal_RedrawsInPlace_AndCtrlCExitsZero()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "mcptunnel.dll");
        // exec: script runs the command through $SHELL -c, and a shell left waiting in between (dash, the /bin/sh
        // CI gets) takes the SIGINT too and dies of it, which would hide top's own exit code.
        // env --default-signal=INT: a terminal session starts top with SIGINT at its default, but this test may not. A
        // runner started in the background by a shell without job control (as CI's was) ignores SIGINT, every process
        // below it inherits that, and .NET then leaves SIGINT ignored (nohup's convention), so Ctrl+C never reached
        // top: seen in /proc as SigIgn 0x6 and no SIGINT in SigCgt for top.
        var command = $"exec env --default-signal=INT dotnet '{dll}' top --admin '{_stack.AdminUri}' --interval 200ms";
        var start = new ProcessStartInfo("script") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-qec", command, "/dev/null" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        // A deadline for the whole exchange, not a wait: generous for two busy cores.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var text = new StringBuilder();
        try
        {
            // Wait for three frames: the first (no rates yet) and two redraws.
            var buffer = new char[4096];
            while (Count(text.ToString(), TopCommand.Redraw) < 3)
            {
                var read = await process.StandardOutput.ReadAsync(buffer, timeout.Token);
                Assert.True(read > 0, $"top ended before redrawing: {text}");
                text.Append(buffer, 0, read);
            }

            // Ctrl+C, typed into the terminal: the line discipline turns it into SIGINT for top.
            await process.StandardInput.WriteAsync('\u0003');
            await process.StandardInput.FlushAsync();
            text.Append(await process.StandardOutput.ReadToEndAsync(timeout.Token));
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        var screen = text.ToString();
        Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}: {screen}");
        Assert.True(Count(screen, "mcptunnel top  ") >= 3, screen);
        Assert.Contains("readiness    ready", screen, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", screen, StringComparison.Ordinal);
    }

    private static int Count(string text, string value) => text.Split(value).Length - 1;
}
