using System.CommandLine;
using McpTunnel.Cli.Terminal;
using McpTunnel.CommandLine;

namespace McpTunnel.Cli.Top;

/// <summary>
/// <c>mcptunnel top [--admin http://HOST:PORT] [--interval 2s] [--once]</c>: a live view of a running proxy from its
/// admin listener. On a terminal the screen is redrawn in place every interval until Ctrl+C; in a pipe, or with
/// <c>--once</c>, one snapshot is printed from two scrapes an interval apart (rates need two) and it exits 0.
/// </summary>
internal static class TopCommand
{
    /// <summary>Cursor home, then clear the screen: the redraw, without the flicker of scrolling a whole frame.</summary>
    public const string Redraw = "\u001b[H\u001b[2J";

    public static Command Create()
    {
        var admin = new Option<string>("--admin")
        {
            Description = $"The proxy's admin listener, its admin_addr (default {AdminAddress.Default})",
            DefaultValueFactory = _ => AdminAddress.Default,
        };
        var interval = DurationOption.Duration("--interval", "Time between scrapes (rates are over it)", TimeSpan.FromSeconds(2));
        var once = new Option<bool>("--once") { Description = "Print one snapshot (two scrapes an interval apart) and exit, even on a terminal" };
        var command = new Command("top", "A live view of a running proxy from its admin listener's /metrics and /readyz: tunnels, requests per second and latency per route, errors, top tools, certificate expiry")
        {
            admin, interval, once,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var io = result.InvocationConfiguration;
            var adminText = result.GetValue(admin)!;
            if (!AdminAddress.TryParse(adminText, out var adminUri))
            {
                io.Error.WriteLine($"{UsageError.CommandPath(result)}: {AdminAddress.Expectation("--admin", adminText)}");
                return UsageError.ExitCode;
            }

            var live = !result.GetValue(once) && !Console.IsOutputRedirected;
            return await RunAsync(adminUri, interval.Read(result), live, io.Output, io.Error, TimeProvider.System, cancellationToken);
        });
        return command;
    }

    internal static async Task<int> RunAsync(Uri admin, TimeSpan interval, bool live, TextWriter output, TextWriter error, TimeProvider time, CancellationToken cancellationToken)
    {
        using var scraper = new AdminScraper(admin, TimeSpan.FromSeconds(Math.Clamp(interval.TotalSeconds, 2, 10)), time);
        try
        {
            var previous = await scraper.ScrapeAsync(cancellationToken);
            if (live)
            {
                output.Write(Redraw + TopRenderer.Render(TopCalculator.Compute(null, previous), admin, interval));
                output.Flush();
            }

            while (true)
            {
                await Task.Delay(interval, time, cancellationToken);
                var current = await scraper.ScrapeAsync(cancellationToken);
                var screen = TopRenderer.Render(TopCalculator.Compute(previous, current), admin, interval);
                if (!live)
                {
                    output.Write(screen);
                    return 0;
                }

                output.Write(Redraw + screen);
                output.Flush();
                previous = current;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C is how a live view ends: not an error.
            output.WriteLine();
            return 0;
        }
        catch (AdminUnreachableException ex)
        {
            error.WriteLine($"mcptunnel top: {ex.Message}");
            return 1;
        }
    }
}
