namespace McpTunnel.Cli.Edge;

internal static partial class EdgeLog
{
    [LoggerMessage(1000, LogLevel.Information, "edge: {Method} https://{Host}{Path}")]
    public static partial void Forwarding(ILogger logger, string method, string host, string path);

    [LoggerMessage(1001, LogLevel.Warning, "edge: {Host}: {Reason}")]
    public static partial void Failed(ILogger logger, string host, string reason);

    [LoggerMessage(1002, LogLevel.Warning, "edge: refused Host {Host} Origin {Origin} (DNS-rebinding guard; --allowed-host adds a name)")]
    public static partial void Refused(ILogger logger, string host, string origin);
}
