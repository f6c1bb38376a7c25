using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpTunnel.Cli.Hello;

/// <summary>
/// MCP Streamable HTTP on one path, wired by hand onto the SDK's core <see cref="StreamableHttpServerTransport"/>
/// (the ModelContextProtocol.AspNetCore package is not available here). Modelled on that package's handler:
/// <code>
/// POST   JSON-RPC message → SSE response (or one JSON body when the client accepts only application/json);
///        202 for notifications and responses. No Mcp-Session-Id: `initialize` opens a session,
///        2026-07-28 per-request-metadata requests are served statelessly, anything else is 400.
/// GET    the session's standalone SSE stream for server-initiated messages (one per session).
/// DELETE ends the session; a later request with that id gets 404.
/// </code>
/// </summary>
internal sealed class StreamableHttpEndpoint(Func<McpServerOptions> createServerOptions, ILoggerFactory loggerFactory, CancellationToken stopping)
{
    private const string SessionIdHeader = "Mcp-Session-Id";
    private const string ProtocolVersionHeader = "MCP-Protocol-Version";

    /// <summary>The initialize-handshake revisions; a request declaring any other version is a per-request-metadata one.</summary>
    private static readonly HashSet<string> s_sessionRevisions = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"];

    private static readonly JsonTypeInfo<JsonRpcMessage> s_messageType =
        (JsonTypeInfo<JsonRpcMessage>)McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcMessage));

    private readonly ILogger _logger = loggerFactory.CreateLogger("McpTunnel.Cli.Hello");

    public HelloSessionStore Sessions { get; } = new();

    public async Task HandlePostAsync(HttpContext context)
    {
        var accept = context.Request.GetTypedHeaders().Accept;
        var sse = accept.Count == 0 || accept.Any(a => a.MatchesMediaType("text/event-stream"));
        if (!sse && !accept.Any(a => a.MatchesMediaType("application/json")))
        {
            await RejectAsync(context, StatusCodes.Status406NotAcceptable, "Not Acceptable: Client must accept application/json and text/event-stream").ConfigureAwait(false);
            return;
        }

        var message = await ReadMessageAsync(context).ConfigureAwait(false);
        if (message is null)
        {
            await RejectAsync(context, StatusCodes.Status400BadRequest, "Bad Request: The POST body did not contain a valid JSON-RPC message.").ConfigureAwait(false);
            return;
        }

        var sessionId = context.Request.Headers[SessionIdHeader].ToString();
        if (sessionId.Length > 0)
        {
            var session = await FindSessionAsync(context, sessionId).ConfigureAwait(false);
            if (session is not null)
            {
                await WriteResponseAsync(context, session, message, sse).ConfigureAwait(false);
            }
        }
        else if (message is JsonRpcRequest { Method: RequestMethods.Initialize })
        {
            var session = HelloSession.Start(HelloSessionStore.NewSessionId(), createServerOptions(), loggerFactory, _logger);
            Sessions.Add(session);
            HelloLog.SessionStarted(_logger, session.Id);
            context.Response.Headers[SessionIdHeader] = session.Id;
            await WriteResponseAsync(context, session, message, sse).ConfigureAwait(false);
        }
        else if (IsPerRequestMetadataRequest(context, message))
        {
            await using var session = HelloSession.Start(null, createServerOptions(), loggerFactory, _logger);
            await WriteResponseAsync(context, session, message, sse).ConfigureAwait(false);
        }
        else
        {
            await RejectAsync(context, StatusCodes.Status400BadRequest, "Bad Request: A new session can only be created by an initialize request. Include a valid Mcp-Session-Id header for non-initialize requests.").ConfigureAwait(false);
        }
    }

    public async Task HandleGetAsync(HttpContext context)
    {
        if (!context.Request.GetTypedHeaders().Accept.Any(a => a.MatchesMediaType("text/event-stream")))
        {
            await RejectAsync(context, StatusCodes.Status406NotAcceptable, "Not Acceptable: Client must accept text/event-stream").ConfigureAwait(false);
            return;
        }

        var session = await FindSessionAsync(context, context.Request.Headers[SessionIdHeader].ToString()).ConfigureAwait(false);
        if (session is null)
        {
            return;
        }

        if (!session.TryStartGetStream())
        {
            await RejectAsync(context, StatusCodes.Status409Conflict, "Conflict: Only one GET SSE stream is allowed per session.").ConfigureAwait(false);
            return;
        }

        // The GET stream ends with the client, the session, or the server, whichever goes first.
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        try
        {
            StartSse(context);
            await context.Response.Body.FlushAsync(cts.Token).ConfigureAwait(false);
            await session.RunGetStreamAsync(context.Response.Body, cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            // How SSE streams normally end.
        }
    }

    public async Task HandleDeleteAsync(HttpContext context)
    {
        var sessionId = context.Request.Headers[SessionIdHeader].ToString();
        if (sessionId.Length == 0)
        {
            await RejectAsync(context, StatusCodes.Status400BadRequest, "Bad Request: Mcp-Session-Id header is required").ConfigureAwait(false);
            return;
        }

        if (!Sessions.TryRemove(sessionId, out var session))
        {
            await RejectAsync(context, StatusCodes.Status404NotFound, "Session not found", -32001).ConfigureAwait(false);
            return;
        }

        await session.DisposeAsync().ConfigureAwait(false);
        HelloLog.SessionEnded(_logger, sessionId);
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    private static async Task WriteResponseAsync(HttpContext context, HelloSession session, JsonRpcMessage message, bool sse)
    {
        if (!sse)
        {
            await JsonResponseWriter.WriteAsync(context, session.Transport, message).ConfigureAwait(false);
            return;
        }

        if (message is not JsonRpcRequest)
        {
            // Notifications and responses from the client get an empty 202.
            await session.Transport.HandlePostRequestAsync(message, Stream.Null, context.RequestAborted).ConfigureAwait(false);
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            return;
        }

        StartSse(context);
        await session.Transport.HandlePostRequestAsync(message, context.Response.Body, context.RequestAborted).ConfigureAwait(false);
    }

    private async ValueTask<HelloSession?> FindSessionAsync(HttpContext context, string sessionId)
    {
        if (sessionId.Length == 0)
        {
            await RejectAsync(context, StatusCodes.Status400BadRequest, "Bad Request: Mcp-Session-Id header is required").ConfigureAwait(false);
            return null;
        }

        if (!Sessions.TryGet(sessionId, out var session))
        {
            // -32001 is what the TypeScript and C# SDK servers answer for an unknown session.
            await RejectAsync(context, StatusCodes.Status404NotFound, "Session not found", -32001).ConfigureAwait(false);
            return null;
        }

        context.Response.Headers[SessionIdHeader] = session.Id;
        return session;
    }

    private static bool IsPerRequestMetadataRequest(HttpContext context, JsonRpcMessage message)
    {
        var version = context.Request.Headers[ProtocolVersionHeader].ToString();
        return message is JsonRpcRequest { Method: RequestMethods.ServerDiscover }
            || (version.Length > 0 && !s_sessionRevisions.Contains(version));
    }

    private static async Task<JsonRpcMessage?> ReadMessageAsync(HttpContext context)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync(context.Request.Body, s_messageType, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void StartSse(HttpContext context)
    {
        context.Response.Headers.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache,no-store";
        context.Response.Headers.ContentEncoding = "identity";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        context.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();
    }

    private Task RejectAsync(HttpContext context, int status, string reason, int code = -32000)
    {
        HelloLog.RequestRejected(_logger, status, reason);
        return JsonResponseWriter.WriteErrorAsync(context, status, reason, code);
    }
}
