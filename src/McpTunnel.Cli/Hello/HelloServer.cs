using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpTunnel.Cli.Hello;

/// <summary>
/// The sample MCP server (<c>mcptunnel hello</c>) on real Kestrel, startable in-process for tests and for
/// <c>mcptunnel demo</c>. Tools: see <see cref="HelloTools"/>. Transport: see <see cref="StreamableHttpEndpoint"/>.
/// </summary>
internal sealed class HelloServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly StreamableHttpEndpoint _endpoint;
    private readonly CancellationTokenSource _stopping;
    private int _disposed;

    private HelloServer(WebApplication app, StreamableHttpEndpoint endpoint, CancellationTokenSource stopping, IPEndPoint boundEndPoint, Uri endpointUri)
    {
        _app = app;
        _endpoint = endpoint;
        _stopping = stopping;
        BoundEndPoint = boundEndPoint;
        Endpoint = endpointUri;
    }

    /// <summary>The socket actually bound (port 0 resolved).</summary>
    public IPEndPoint BoundEndPoint { get; }

    /// <summary>The MCP URL to use from this machine, e.g. <c>http://127.0.0.1:9000/mcp</c> (loopback when bound to any address).</summary>
    public Uri Endpoint { get; }

    /// <summary>Live stateful sessions (for tests).</summary>
    internal int SessionCount => _endpoint.Sessions.Count;

    public static async Task<HelloServer> StartAsync(HelloServerOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Path.StartsWith('/'))
        {
            throw new ArgumentException($"The MCP path must start with '/': '{options.Path}'.", nameof(options));
        }

        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "mcptunnel-hello" });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(options.Listen);
        });

        var app = builder.Build();
        var stopping = new CancellationTokenSource();
        var tools = HelloTools.Create();
        var endpoint = new StreamableHttpEndpoint(() => CreateServerOptions(tools), loggerFactory, stopping.Token);
        app.MapPost(options.Path, endpoint.HandlePostAsync);
        app.MapGet(options.Path, endpoint.HandleGetAsync);
        app.MapDelete(options.Path, endpoint.HandleDeleteAsync);

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            stopping.Dispose();
            throw;
        }

        var bound = BoundAddress(app, options.Listen);
        var uri = new UriBuilder(Uri.UriSchemeHttp, ReachableHost(bound.Address), bound.Port, options.Path).Uri;
        HelloLog.Listening(loggerFactory.CreateLogger("McpTunnel.Cli.Hello"), uri);
        return new HelloServer(app, endpoint, stopping, bound, uri);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // End long-lived GET streams and sessions first, so Kestrel's drain does not wait on them.
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _endpoint.Sessions.DisposeAllAsync().ConfigureAwait(false);
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private static McpServerOptions CreateServerOptions(McpServerPrimitiveCollection<McpServerTool> tools) => new()
    {
        ServerInfo = new Implementation { Name = "mcptunnel-hello", Version = "0.1.0" },
        ServerInstructions = "Sample MCP server from mcptunnel: call `hello` to be greeted, `countdown` to watch progress notifications stream.",
        ToolCollection = tools,
    };

    private static IPEndPoint BoundAddress(WebApplication app, IPEndPoint requested)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new IPEndPoint(requested.Address, new Uri(address).Port);
    }

    private static string ReachableHost(IPAddress address)
    {
        if (address.Equals(IPAddress.Any))
        {
            return IPAddress.Loopback.ToString();
        }

        if (address.Equals(IPAddress.IPv6Any))
        {
            return $"[{IPAddress.IPv6Loopback}]";
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
    }
}
