using McpTunnel.Common.Net;
using System.CommandLine;
using System.Net;

namespace McpTunnel.Cli.Hello;

/// <summary><c>mcptunnel hello</c>: run the sample MCP server until Ctrl+C.</summary>
internal static class HelloCommand
{
    public static Command Create()
    {
        var listen = new Option<string>("--listen")
        {
            Description = "Address to listen on, host:port, the proxy's listen_addr rule: an IP (IPv6 in brackets), 'localhost', or empty for every interface (':9000').",
            DefaultValueFactory = _ => $"0.0.0.0:{HelloServerOptions.DefaultPort}",
        };
        var port = new Option<int?>("--port") { Description = "Port to listen on; overrides the port of --listen." };
        var path = new Option<string>("--path")
        {
            Description = "Path of the Streamable HTTP endpoint.",
            DefaultValueFactory = _ => HelloServerOptions.DefaultPath,
        };

        var command = new Command("hello", "Run the sample MCP server (tools: hello, countdown) over Streamable HTTP.") { listen, port, path };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            if (!TryParseListen(parseResult.GetValue(listen)!, parseResult.GetValue(port), out var endPoint, out var error))
            {
                Console.Error.WriteLine($"mcptunnel hello: {error}");
                return 2;
            }

            var mcpPath = parseResult.GetValue(path)!;
            if (!mcpPath.StartsWith('/'))
            {
                Console.Error.WriteLine($"mcptunnel hello: --path must start with '/' (got '{mcpPath}').");
                return 2;
            }

            return await RunAsync(new HelloServerOptions(endPoint, mcpPath), cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>
    /// <c>--listen</c> by the one listen-address rule (<see cref="ListenAddress"/>); <c>--port</c> replaces its port, or
    /// completes a bare host (<c>--listen 127.0.0.1 --port 9000</c>).
    /// </summary>
    internal static bool TryParseListen(string listen, int? portOverride, out IPEndPoint endPoint, out string error)
    {
        endPoint = new IPEndPoint(IPAddress.Any, 0);
        error = "";
        if (portOverride is < 0 or > 65535)
        {
            error = $"--port must be 0-65535 (got {portOverride}).";
            return false;
        }

        var parsed = portOverride is { } port
            ? ListenAddress.TryParse(listen, port, out var address, out var problem)
            : ListenAddress.TryParse(listen, out address, out problem);
        if (!parsed)
        {
            error = $"--listen: {problem}; use host:port, e.g. 0.0.0.0:9000, 127.0.0.1:9000, [::1]:9000 or :9000 for every interface.";
            return false;
        }

        endPoint = address!.ToEndPoint();
        return true;
    }

    private static async Task<int> RunAsync(HelloServerOptions options, CancellationToken cancellationToken)
    {
        using var loggerFactory = LoggerFactory.Create(logging => logging
            .AddSimpleConsole(console => { console.SingleLine = true; console.TimestampFormat = "HH:mm:ss "; })
            .SetMinimumLevel(LogLevel.Information)
            .AddFilter("Microsoft", LogLevel.Warning)
            .AddFilter("ModelContextProtocol", LogLevel.Warning));

        HelloServer server;
        try
        {
            server = await HelloServer.StartAsync(options with { LoggerFactory = loggerFactory }, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            Console.Error.WriteLine($"mcptunnel hello: cannot listen on {options.Listen}: {ex.Message}");
            return 1;
        }

        await using (server.ConfigureAwait(false))
        {
            Console.WriteLine($"mcptunnel hello: MCP server (Streamable HTTP) listening on http://{server.BoundEndPoint}{options.Path}, local URL {server.Endpoint} (Ctrl+C to stop)");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        return 0;
    }
}
