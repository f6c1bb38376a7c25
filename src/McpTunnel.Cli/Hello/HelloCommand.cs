using System.CommandLine;
using System.Globalization;
using System.Net;

namespace McpTunnel.Cli.Hello;

/// <summary><c>mcptunnel hello</c>: run the sample MCP server until Ctrl+C.</summary>
internal static class HelloCommand
{
    public static Command Create()
    {
        var listen = new Option<string>("--listen")
        {
            Description = "Address to listen on, host:port (host may be an IP, 'localhost' or '*').",
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

    internal static bool TryParseListen(string listen, int? portOverride, out IPEndPoint endPoint, out string error)
    {
        endPoint = new IPEndPoint(IPAddress.Any, 0);
        error = "";
        var colon = listen.LastIndexOf(':');
        var host = colon < 0 ? listen : listen[..colon];
        var portText = colon < 0 ? "" : listen[(colon + 1)..];
        host = host.Trim('[', ']');

        int port;
        if (portOverride is { } p)
        {
            port = p;
        }
        else if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port))
        {
            error = $"--listen must be host:port, e.g. 0.0.0.0:9000 (got '{listen}').";
            return false;
        }

        if (port is < 0 or > 65535)
        {
            error = $"port must be 0-65535 (got {port}).";
            return false;
        }

        IPAddress? address = host switch
        {
            "" or "*" => IPAddress.Any,
            _ when host.Equals("localhost", StringComparison.OrdinalIgnoreCase) => IPAddress.Loopback,
            _ => IPAddress.TryParse(host, out var ip) ? ip : null,
        };
        if (address is null)
        {
            error = $"--listen host must be an IP address, 'localhost' or '*' (got '{host}').";
            return false;
        }

        endPoint = new IPEndPoint(address, port);
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
