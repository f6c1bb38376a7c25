using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol.AspNetCore;
using ModelContextProtocol.Protocol;

namespace McpTunnel.Cli.Hello;

/// <summary>
/// The sample MCP server (<c>mcptunnel hello</c>) on real Kestrel, startable in-process for tests and for
/// <c>mcptunnel demo</c>. It is the server users copy, so it is the SDK's own idiom and nothing more:
/// <c>AddMcpServer().WithHttpTransport().WithTools()</c> and <c>MapMcp</c> (ModelContextProtocol.AspNetCore).
/// Clients that send <c>initialize</c> get a stateful session (Mcp-Session-Id, the SDK's GET stream and DELETE,
/// idle expiry); clients speaking the 2026-07-28 revision are served per request on the same path.
/// Tools: see <see cref="HelloTools"/>.
/// </summary>
internal sealed class HelloServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _disposed;

    private HelloServer(WebApplication app, IPEndPoint boundEndPoint, Uri endpointUri)
    {
        _app = app;
        BoundEndPoint = boundEndPoint;
        Endpoint = endpointUri;
    }

    /// <summary>The socket actually bound (port 0 resolved).</summary>
    public IPEndPoint BoundEndPoint { get; }

    /// <summary>The MCP URL to use from this machine, e.g. <c>http://127.0.0.1:9000/mcp</c> (loopback when bound to any address).</summary>
    public Uri Endpoint { get; }

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

        builder.Services
            .AddMcpServer(server =>
            {
                server.ServerInfo = new Implementation { Name = "mcptunnel-hello", Version = "0.1.0" };
                server.ServerInstructions = "Sample MCP server from mcptunnel: call `hello` to be greeted, `countdown` to watch progress notifications stream.";
            })
            .WithHttpTransport(http =>
            {
                // Sessions for initialize clients (the SDKs in use today), per-request service for 2026-07-28
                // clients: the SDK's default is stateless only, which would cut progress and the GET stream for
                // every client that still initializes.
                http.SessionMode = HttpServerSessionMode.StatefulForInitializeClients;

                // The SDK marks session tuning obsolete to steer new servers to stateless mode; this server keeps
                // sessions on purpose (above), and a session store without idle expiry grows until restart.
#pragma warning disable MCP9006
                http.IdleTimeout = options.SessionIdleTimeout;
                http.TimeProvider = options.TimeProvider;
#pragma warning restore MCP9006
            })
            .WithTools(HelloTools.Create());

        var app = builder.Build();
        app.MapMcp(options.Path);

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var bound = BoundAddress(app, options.Listen);
        var uri = new UriBuilder(Uri.UriSchemeHttp, ReachableHost(bound.Address), bound.Port, options.Path).Uri;
        HelloLog.Listening(loggerFactory.CreateLogger("McpTunnel.Cli.Hello"), uri);
        return new HelloServer(app, bound, uri);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

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
