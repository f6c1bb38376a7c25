using System.Net;

namespace McpTunnel.Cli.Hello;

/// <summary>How to run the sample MCP server: where to listen and under which path.</summary>
/// <param name="Listen">The socket to bind; port 0 picks a free one (tests).</param>
/// <param name="Path">The Streamable HTTP endpoint path, starting with '/'.</param>
/// <param name="LoggerFactory">Where server logs go; <c>null</c> keeps the server silent.</param>
internal sealed record HelloServerOptions(IPEndPoint Listen, string Path = HelloServerOptions.DefaultPath, ILoggerFactory? LoggerFactory = null)
{
    public const string DefaultPath = "/mcp";

    public const int DefaultPort = 9000;

    /// <summary>
    /// A session nobody used for this long is ended (the SDK's default is two hours); a client keeps its session by
    /// using it, or by holding its GET stream open.
    /// </summary>
    public TimeSpan SessionIdleTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>The clock for session expiry; tests pass a fake one so they need no sleeps.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Loopback on a free port: for tests and for <c>mcptunnel demo</c>.</summary>
    public static HelloServerOptions Loopback(ILoggerFactory? loggerFactory = null) =>
        new(new IPEndPoint(IPAddress.Loopback, 0), DefaultPath, loggerFactory);
}
