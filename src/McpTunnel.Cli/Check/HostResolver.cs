using System.Net;

namespace McpTunnel.Cli.Check;

/// <summary>Name → addresses, as the proxy resolves an upstream host; replaceable so tests stay off the network.</summary>
internal delegate Task<IPAddress[]> HostResolver(string host, CancellationToken cancellationToken);

internal static class HostResolvers
{
    /// <summary>IP literals are returned as they are; names go to DNS (and /etc/hosts) like the proxy's dial.</summary>
    public static readonly HostResolver System = (host, cancellationToken) =>
        IPAddress.TryParse(host, out var literal) ? Task.FromResult(new[] { literal }) : Dns.GetHostAddressesAsync(host, cancellationToken);
}
