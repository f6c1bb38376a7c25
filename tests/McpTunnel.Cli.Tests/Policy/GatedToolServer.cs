using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.AspNetCore;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpTunnel.Cli.Tests.Policy;

/// <summary>
/// A real MCP server (the C# SDK over streamable HTTP) with one tool, <c>slow_report</c>, that does not answer until the
/// test opens the gate: calls in flight are then a fact the test controls, not a race against a timer.
/// </summary>
internal sealed class GatedToolServer : IAsyncDisposable
{
    public const string ToolName = "slow_report";

    private readonly WebApplication _app;
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _lock = new();
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];
    private int _entered;

    private GatedToolServer(WebApplication app) => _app = app;

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Calls of <c>slow_report</c> that reached the tool so far (forwarded by the proxy).</summary>
    public int Entered => Volatile.Read(ref _entered);

    public static async Task<GatedToolServer> StartAsync()
    {
        GatedToolServer? server = null;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services
            .AddMcpServer(o => o.ServerInfo = new Implementation { Name = "gated", Version = "1.0.0" })
            .WithHttpTransport(http => http.SessionMode = HttpServerSessionMode.StatefulForInitializeClients)
            .WithTools([McpServerTool.Create(async (CancellationToken ct) => await server!.RunAsync(ct), new() { Name = ToolName })]);
        var app = builder.Build();
        app.MapMcp("/mcp");
        server = new GatedToolServer(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Endpoint = new Uri(address);
        return server;
    }

    /// <summary>Completes once <paramref name="count"/> calls are inside the tool.</summary>
    public Task WaitForEnteredAsync(int count)
    {
        lock (_lock)
        {
            if (_entered >= count)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, reached));
            return reached.Task;
        }
    }

    /// <summary>Lets every call inside the tool, and every later one, answer.</summary>
    public void Open() => _gate.TrySetResult();

    private async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _entered++;
            foreach (var waiter in _waiters.Where(w => w.Count <= _entered).ToList())
            {
                waiter.Reached.TrySetResult();
                _waiters.Remove(waiter);
            }
        }

        await _gate.Task.WaitAsync(cancellationToken);
        return "report ready";
    }

    public async ValueTask DisposeAsync()
    {
        Open();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
