using System.Globalization;
using System.Net;

namespace McpTunnel.Cli.Edge;

/// <summary>
/// The edge's DNS-rebinding guard, the one a local dev server has: a web page the user visits can point a name it
/// controls at 127.0.0.1 and make the browser send requests to the edge, but the browser then sends that name as
/// Host and the page's origin as Origin. So only Hosts that name the edge itself are served (its listen address as
/// 127.0.0.1, localhost or [::1] with its port, the <c>&lt;route&gt;.localhost</c> and <c>&lt;route&gt;.&lt;tunnel
/// domain&gt;</c> names used to pick a route, and any <c>--allowed-host</c>), and a browser Origin must name one of
/// them too. Checked before anything is forwarded.
/// </summary>
internal sealed class EdgeHostGuard
{
    private readonly int _port;
    private readonly HashSet<string> _exact = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _anyPort = new(StringComparer.OrdinalIgnoreCase);
    private readonly string[] _suffixes;

    public EdgeHostGuard(IPEndPoint bound, string tunnelDomain, bool routesByHost, IReadOnlyList<string> allowedHosts)
    {
        _port = bound.Port;
        foreach (var name in new[] { "127.0.0.1", "localhost", "[::1]" })
        {
            _exact.Add($"{name}:{_port}");
        }

        if (!bound.Address.Equals(IPAddress.Any) && !bound.Address.Equals(IPAddress.IPv6Any))
        {
            _exact.Add(new IPEndPoint(bound.Address, _port).ToString());
        }

        foreach (var allowed in allowedHosts)
        {
            var value = allowed.Trim().TrimEnd('.');
            (HasPort(value) ? _exact : _anyPort).Add(value);
        }

        // Without --route the first label of the Host picks the route; those names cannot be rebound by a page
        // (*.localhost never leaves the machine, the tunnel domain is the operator's).
        _suffixes = routesByHost ? [".localhost", "." + tunnelDomain] : [];
        Description = string.Join(", ", _exact.Concat(_anyPort).Concat(_suffixes.Select(s => $"*{s}:{_port}")));
    }

    /// <summary>The accepted Host values, as shown in a refusal.</summary>
    public string Description { get; }

    /// <summary>Null when the request may be forwarded; otherwise the reason, for a 403 body.</summary>
    public string? Refusal(HttpRequest request)
    {
        var host = request.Host.Value ?? "";
        if (!Accepts(HostOnly(host), PortOf(host)))
        {
            return $"Host \"{host}\" does not name this edge, so the request is refused (DNS-rebinding guard). Accepted: {Description}. To serve another name, start the edge with --allowed-host {HostOnly(host)}";
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return null; // not a browser request
        }

        // "null" (sandboxed frames, file: pages) and anything that is not an http(s) origin are refused too.
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || !Accepts(uri.Host, uri.Port))
        {
            var name = uri?.Authority ?? origin;
            return $"Origin \"{origin}\" is not this edge, so a web page is refused (DNS-rebinding guard). Accepted: {Description}. To allow that page, start the edge with --allowed-host {name}";
        }

        return null;
    }

    private bool Accepts(string host, int port)
    {
        var bare = host.TrimEnd('.');
        if (_anyPort.Contains(bare) || _exact.Contains($"{bare}:{port.ToString(CultureInfo.InvariantCulture)}"))
        {
            return true;
        }

        return port == _port && _suffixes.Any(s => bare.EndsWith(s, StringComparison.OrdinalIgnoreCase) && bare.Length > s.Length);
    }

    private static bool HasPort(string value) =>
        value.StartsWith('[') ? value.Contains("]:", StringComparison.Ordinal) : value.Contains(':', StringComparison.Ordinal);

    private static int PortOf(string host)
    {
        var colon = host.LastIndexOf(':');
        var close = host.LastIndexOf(']');
        return colon > close && int.TryParse(host.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : 80;
    }

    private static string HostOnly(string host)
    {
        var colon = host.LastIndexOf(':');
        var close = host.LastIndexOf(']');
        return colon > close ? host[..colon] : host;
    }
}
