using Microsoft.Extensions.Logging;

namespace McpTunnel.Cli.Hello;

/// <summary>Log events of the sample MCP server (event ids 5100-5199). Bodies are never logged.</summary>
internal static partial class HelloLog
{
    [LoggerMessage(5100, LogLevel.Information, "hello server listening on {Endpoint}")]
    public static partial void Listening(ILogger logger, Uri endpoint);

    [LoggerMessage(5101, LogLevel.Information, "session started {SessionId}")]
    public static partial void SessionStarted(ILogger logger, string sessionId);

    [LoggerMessage(5102, LogLevel.Information, "session ended {SessionId}")]
    public static partial void SessionEnded(ILogger logger, string sessionId);

    [LoggerMessage(5103, LogLevel.Debug, "request rejected: {Status} {Reason}")]
    public static partial void RequestRejected(ILogger logger, int status, string reason);

    [LoggerMessage(5104, LogLevel.Error, "session {SessionId} failed")]
    public static partial void SessionFailed(ILogger logger, string sessionId, Exception exception);
}
