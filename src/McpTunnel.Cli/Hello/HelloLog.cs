namespace McpTunnel.Cli.Hello;

/// <summary>Log events of the sample MCP server (event ids 5100-5199); sessions and requests are the SDK's to log. Bodies are never logged.</summary>
internal static partial class HelloLog
{
    [LoggerMessage(5100, LogLevel.Information, "hello server listening on {Endpoint}")]
    public static partial void Listening(ILogger logger, Uri endpoint);
}
