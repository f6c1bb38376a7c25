using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using McpTunnel.Cli.Terminal;
using McpTunnel.Proxy.Forwarding;
using McpTunnel.Proxy.Routing;
using Route = McpTunnel.Proxy.Routing.Route;

namespace McpTunnel.Cli.Doctor;

/// <summary>
/// The last step of layer (c): an MCP <c>initialize</c> POST to <c>https://&lt;host&gt;&lt;path&gt;</c> through the
/// tunnel (WebSocket → inner TLS trusting only the CA → HTTP), as Claude's first request would be. The proxy's
/// error bodies (one place, <c>ForwarderErrorMapper</c>) tell which layer refused.
/// </summary>
internal sealed class McpInitializeProbe(HttpClient client, string path)
{
    public const string InitializeRequest =
        """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"mcptunnel-doctor","version":"1"}}}""";

    private const DoctorLayer Layer = DoctorLayer.Upstream;

    public async Task<DoctorCheck> RunAsync(string host, Route route, CancellationToken cancellationToken)
    {
        var uri = new Uri($"https://{host}{path}");
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new StringContent(InitializeRequest, Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var body = await ReadBodyAsync(response, cancellationToken);
            return Classify(host, route, uri, response.StatusCode, body);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return DoctorCheck.Fail(Layer, host, "mcp initialize", $"POST {uri} got no answer within {client.Timeout.TotalSeconds:0}s", null, "The upstream accepted the connection but did not answer initialize: read its log; raise --timeout for slow servers");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return DoctorCheck.Fail(Layer, host, "mcp initialize", $"POST {uri} failed: {ex.GetBaseException().Message}", Troubleshooting.NotRegistered);
        }
    }

    private static bool IsProxyAnswer(string body, ForwarderError error) =>
        body.Contains(ForwarderErrorMapper.Map(error).Body, StringComparison.Ordinal);

    private static DoctorCheck Classify(string host, Route route, Uri uri, HttpStatusCode status, string body)
    {
        var code = (int)status;
        if (code is >= 200 and < 300)
        {
            return TryReadResult(body) is { } server
                ? DoctorCheck.Pass(Layer, host, "mcp initialize", $"POST {uri.AbsolutePath} → {code}, JSON-RPC result from {server}")
                : DoctorCheck.Fail(Layer, host, "mcp initialize", $"POST {uri.AbsolutePath} → {code} but no JSON-RPC initialize result in the body", null, "Check that the upstream is an MCP server (streamable HTTP) and --path is its endpoint");
        }

        // The proxy's answer bodies come from ForwarderErrorMapper; ask it rather than repeating its texts here.
        if (IsProxyAnswer(body, ForwarderError.NoRoute))
        {
            return DoctorCheck.Fail(Layer, host, "mcp initialize", "the running proxy answered 502 No route configured for host although this config has the route", Troubleshooting.ConfigNotReloaded);
        }

        if (IsProxyAnswer(body, ForwarderError.EgressDenied))
        {
            return DoctorCheck.Fail(Layer, host, "mcp initialize", "the running proxy refused the upstream address (IP validation failed)", Troubleshooting.EgressDenied);
        }

        if (IsProxyAnswer(body, ForwarderError.UpstreamConnectFailed))
        {
            return DoctorCheck.Fail(Layer, host, "mcp initialize", "the proxy could not connect to the upstream (502 Upstream connection failed)", Troubleshooting.HostProcess);
        }

        if (HostRefusal(code, body) is not null)
        {
            return HostRefused(host, route, uri, code, body);
        }

        return code switch
        {
            401 or 403 => DoctorCheck.Warn(Layer, host, "mcp initialize", $"POST {uri.AbsolutePath} → {code}: the tunnel works; the server wants its own authentication", "Supply the server's credentials as for any MCP server; the tunnel does not authenticate to the upstream"),
            404 => DoctorCheck.Fail(Layer, host, "mcp initialize", $"POST {uri.AbsolutePath} → 404: the server does not serve MCP at this path", null, "Pass the server's MCP path with --path (FastMCP streamable-http uses /mcp); use the same Path in Claude"),
            504 => DoctorCheck.Fail(Layer, host, "mcp initialize", "504: the upstream accepted the connection but did not answer in time", Troubleshooting.HostProcess),
            _ => DoctorCheck.Fail(Layer, host, "mcp initialize", $"POST {uri.AbsolutePath} → {code} {Truncate(body)}", null, "Read the upstream server's log for this request"),
        };
    }

    /// <summary>
    /// Recognises a server refusing the Host it was sent: 403 or 421 naming the Host ("Invalid Host", as the MCP
    /// SDKs' DNS-rebinding guards say) or "Misdirected", and 400 from host filtering (ASP.NET Core's "Invalid
    /// Hostname", Starlette's "Invalid host header"). Returns the matching phrase, or null.
    /// </summary>
    internal static string? HostRefusal(int status, string body)
    {
        string[] phrases = status switch
        {
            403 or 421 => ["invalid host", "misdirected", "host not allowed", "disallowed host"],
            400 => ["invalid host", "hostname is invalid", "invalid hostname", "disallowed host"],
            _ => [],
        };
        return phrases.FirstOrDefault(p => body.Contains(p, StringComparison.OrdinalIgnoreCase));
    }

    private static DoctorCheck HostRefused(string host, Route route, Uri uri, int code, string body)
    {
        var sent = route.UpstreamHostHeader ?? host;
        var message = $"POST {uri.AbsolutePath} → {code} \"{Truncate(body)}\": the upstream refuses Host {sent}";
        if (route.Definition.HostHeader is null)
        {
            return DoctorCheck.Fail(Layer, host, "mcp initialize", $"{message}, the tunnel's name, which the proxy passes on unchanged by default", Troubleshooting.HostRefused,
                $"Add to the proxy config upstream:\n  host_header:\n    {route.Key}: upstream   (sends {UpstreamHostPolicy.UpstreamAuthority(route.Upstream)}; or a literal such as localhost:{route.Upstream.Port}), then restart the proxy; or add {host} to the server's own allowed hosts");
        }

        return DoctorCheck.Fail(Layer, host, "mcp initialize", $"{message}, set by upstream.host_header.{route.Key}: {route.Definition.HostHeader}", Troubleshooting.HostRefused,
            $"Set upstream.host_header.{route.Key} to a name the server accepts (its allowed-hosts list), or add {sent} to that list");
    }

    /// <summary>The server name from an initialize result, in a JSON body or the first SSE <c>data:</c> line.</summary>
    private static string? TryReadResult(string body)
    {
        var json = body.TrimStart().StartsWith('{')
            ? body
            : body.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("data:", StringComparison.Ordinal))?["data:".Length..];
        if (json is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            if (!document.RootElement.TryGetProperty("result", out var result))
            {
                return null;
            }

            return result.TryGetProperty("serverInfo", out var info) && info.TryGetProperty("name", out var name)
                ? $"server \"{name.GetString()}\""
                : "the server";
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>At most 64 kB, and for SSE only up to the first event, since the stream may stay open.</summary>
    private static async Task<string> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var builder = new StringBuilder();
        var sse = response.Content.Headers.ContentType?.MediaType == "text/event-stream";
        while (builder.Length < 64 * 1024 && await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            builder.Append(line).Append('\n');
            if (sse && line.StartsWith("data:", StringComparison.Ordinal))
            {
                break;
            }
        }

        return builder.ToString();
    }

    private static string Truncate(string body)
    {
        var line = body.ReplaceLineEndings(" ").Trim();
        return line.Length <= 120 ? line : line[..120] + "…";
    }
}
