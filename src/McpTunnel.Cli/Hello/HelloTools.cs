using System.ComponentModel;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpTunnel.Cli.Hello;

/// <summary>
/// The sample server's tools: <c>hello</c> matches the docs' FastMCP sample (<c>hello(name="world")</c> returns <c>Hello, {name}!</c>);
/// <c>countdown</c> streams progress notifications over SSE so a client can see streaming cross the tunnel.
/// </summary>
internal static class HelloTools
{
    public const string HelloName = "hello";
    public const string CountdownName = "countdown";

    /// <summary>Upper bounds keep a sample server from being turned into a slow-loris by its own tool.</summary>
    public const int MaxSteps = 100;
    public const int MaxDelayMs = 10_000;

    public static McpServerPrimitiveCollection<McpServerTool> Create() =>
    [
        McpServerTool.Create(Hello, new() { Name = HelloName, ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false }),
        McpServerTool.Create(CountdownAsync, new() { Name = CountdownName, ReadOnly = true, Destructive = false, OpenWorld = false }),
    ];

    [Description("Say hello to someone.")]
    public static string Hello([Description("Who to greet.")] string name = "world") => $"Hello, {name}!";

    [Description("Count down from `steps` to zero, waiting `delayMs` between steps. Sends a notifications/progress message per step when the request carries a progressToken.")]
    public static async Task<string> CountdownAsync(
        RequestContext<CallToolRequestParams> context,
        [Description("How many steps (1-100).")] int steps = 5,
        [Description("Milliseconds between steps (0-10000).")] int delayMs = 200,
        CancellationToken cancellationToken = default)
    {
        if (steps is < 1 or > MaxSteps || delayMs is < 0 or > MaxDelayMs)
        {
            throw new McpException($"steps must be 1-{MaxSteps} and delayMs 0-{MaxDelayMs}.");
        }

        var token = context.Params?.ProgressToken;
        for (var step = 1; step <= steps; step++)
        {
            if (delayMs > 0)
            {
                await Task.Delay(delayMs, cancellationToken).ConfigureAwait(false);
            }

            if (token is { } progressToken)
            {
                // Awaited (not IProgress.Report, which is fire-and-forget) so every notification is
                // written to the response stream before the result that ends it.
                var value = new ProgressNotificationValue { Progress = step, Total = steps, Message = $"{steps - step} to go" };
                await context.Server.NotifyProgressAsync(progressToken, value, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }

        return $"Countdown of {steps} finished.";
    }
}
