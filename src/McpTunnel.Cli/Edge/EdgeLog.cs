using Microsoft.Extensions.Logging;

namespace McpTunnel.Cli.Edge;

internal static partial class EdgeLog
{
    [LoggerMessage(1000, LogLevel.Information, "edge: {Method} https://{Host}{Path}")]
    public static partial void Forwarding(ILogger logger, string method, string host, string path);

    [LoggerMessage(1001, LogLevel.Warning, "edge: {Host}: {Reason}")]
    public static partial void Failed(ILogger logger, string host, string reason);
}
