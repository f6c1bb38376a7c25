using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpTunnel.Cli.Demo;

/// <summary>
/// <c>mcptunnel demo</c>: the README's main job. Starts <see cref="DemoStack"/>, prints what runs where and the
/// MCP URL, calls the <c>hello</c> tool through the whole chain with the official C# SDK client, then serves
/// until Ctrl+C (<c>--once</c> exits after the call).
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "Port for the MCP URL (the edge stand-in); 0 picks a free one", DefaultValueFactory = _ => 8443 };
        var once = new Option<bool>("--once") { Description = "Exit after the first tool call instead of serving" };
        var verbose = new Option<bool>("--verbose") { Description = "Show the proxy's log lines" };
        var allowedHost = new Option<string[]>("--allowed-host") { Description = "Also serve this Host (and browser Origin) on the MCP URL, as host or host:port; by default only 127.0.0.1, localhost and [::1] with the port (DNS-rebinding guard) (repeatable)" };
        var command = new Command("demo", "Run the whole tunnel on this machine (sample MCP server, mcp-proxy, edge stand-in) and call a tool through it.")
        {
            port, once, verbose, allowedHost,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(port), parse.GetValue(once), parse.GetValue(verbose), Console.Out, cancellationToken, parse.GetValue(allowedHost) ?? []));
        return command;
    }

    public static async Task<int> RunAsync(int port, bool once, bool verbose, TextWriter output, CancellationToken cancellationToken, IReadOnlyList<string>? allowedHosts = null)
    {
        DemoStack stack;
        try
        {
            stack = await DemoStack.StartAsync(
                new IPEndPoint(IPAddress.Loopback, port),
                verbose ? logging => logging.AddSimpleConsole(o => o.SingleLine = true) : null,
                cancellationToken,
                allowedHosts);
        }
        catch (IOException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            await Console.Error.WriteLineAsync($"mcptunnel demo: port {port} is in use; pick another with --port N (or --port 0 for any free port)");
            return 1;
        }

        await using (stack)
        {
            await output.WriteLineAsync($"""
                McpTunnel demo: the whole tunnel on this machine
                  sample MCP server   {stack.Hello.Endpoint}  (tool: hello)
                  mcp-proxy           ws://127.0.0.1:{stack.Proxy.ListenUri.Port}  (inner TLS for *.{DemoStack.TunnelDomain}, route {DemoStack.Route} -> sample server)
                  edge stand-in       {stack.Edge.BaseUri}  (WebSocket + inner TLS to {DemoStack.Route}.{DemoStack.TunnelDomain}, trusting only the demo CA)
                  certificates        {stack.Directory}

                MCP URL for any client (Streamable HTTP):  {stack.McpUrl}

                The proxy runs with this config:
                {Indent(stack.ConfigYaml)}
                """);

            try
            {
                var answer = await CallHelloAsync(stack.McpUrl, cancellationToken);
                await output.WriteLineAsync($"tools/call hello {{\"name\":\"tunnel\"}} through edge -> WebSocket -> inner TLS -> mcp-proxy -> sample server:");
                await output.WriteLineAsync($"  {answer}");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await Console.Error.WriteLineAsync($"mcptunnel demo: the tool call through the tunnel failed: {ex.GetBaseException().Message}");
                return 1;
            }

            if (once)
            {
                return 0;
            }

            await output.WriteLineAsync($"\nServing. Point an MCP client at {stack.McpUrl} (e.g. npx @modelcontextprotocol/inspector). Ctrl+C to stop.");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }

            return 0;
        }
    }

    private static async Task<string> CallHelloAsync(Uri url, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var transport = new HttpClientTransport(new HttpClientTransportOptions { Endpoint = url, TransportMode = HttpTransportMode.StreamableHttp });
        await using var client = await McpClient.CreateAsync(transport, new McpClientOptions(), cancellationToken: timeout.Token);
        var result = await client.CallToolAsync("hello", new Dictionary<string, object?> { ["name"] = "tunnel" }, cancellationToken: timeout.Token);
        return string.Concat(result.Content.OfType<TextContentBlock>().Select(c => c.Text));
    }

    private static string Indent(string text) => string.Join("\n", text.Split('\n').Select(l => "  " + l));
}
