using Microsoft.Extensions.Logging;
using ModelContextProtocol.Server;

namespace McpTunnel.Cli.Hello;

/// <summary>
/// One MCP session: the SDK's Streamable HTTP transport, the <see cref="McpServer"/> reading from it, and the
/// task running that server. Stateful sessions live in <see cref="HelloSessionStore"/> under their
/// <c>Mcp-Session-Id</c>; stateless ones (2026-07-28 per-request-metadata requests) live for one POST.
/// </summary>
internal sealed class HelloSession : IAsyncDisposable
{
    private readonly Task _run;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _ended = new();
    private int _getStreamStarted;
    private int _disposed;

    private HelloSession(string id, StreamableHttpServerTransport transport, McpServer server, ILogger logger)
    {
        Id = id;
        Transport = transport;
        Server = server;
        _logger = logger;
        _run = RunAsync();
    }

    public string Id { get; }

    public StreamableHttpServerTransport Transport { get; }

    public McpServer Server { get; }

    public static HelloSession Start(string? id, McpServerOptions options, ILoggerFactory loggerFactory, ILogger logger)
    {
        var transport = new StreamableHttpServerTransport(loggerFactory)
        {
            SessionId = id,
            Stateless = id is null,
        };
        var server = McpServer.Create(transport, options, loggerFactory);
        return new HelloSession(id ?? "", transport, server, logger);
    }

    /// <summary>Only one standalone GET stream per session, as in the official ASP.NET Core handler.</summary>
    public bool TryStartGetStream() => Interlocked.Exchange(ref _getStreamStarted, 1) == 0;

    /// <summary>
    /// Serves the standalone GET stream until the client, the caller's token or the end of the session stops it.
    /// </summary>
    /// <remarks>
    /// The session's own token is linked in because the SDK transport only ends a GET stream that had already
    /// started when it was disposed: a DELETE that wins the race against a GET handler (headers flushed, the
    /// transport not yet entered) would otherwise leave that GET open until the server stops.
    /// </remarks>
    public async Task RunGetStreamAsync(Stream body, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _ended.Token);
        try
        {
            await Transport.HandleGetRequestAsync(body, cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            // How GET streams normally end.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Cancelled first so a GET handler that has not reached the transport yet ends as soon as it does.
        await _ended.CancelAsync().ConfigureAwait(false);

        // Disposing the transport completes its message reader, which ends RunAsync and any GET stream.
        await Transport.DisposeAsync().ConfigureAwait(false);
        await _run.ConfigureAwait(false);
        await Server.DisposeAsync().ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        try
        {
            await Server.RunAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
#pragma warning disable CA1031 // A session's failure must not take the process down; it is logged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            HelloLog.SessionFailed(_logger, Id, ex);
        }
    }
}
