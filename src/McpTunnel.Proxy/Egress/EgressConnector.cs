using System.Net;
using System.Net.Sockets;
using McpTunnel.Proxy.Logging;

namespace McpTunnel.Proxy.Egress;

/// <summary>
/// The <see cref="SocketsHttpHandler.ConnectCallback"/> that enforces <see cref="EgressPolicy"/> on the address
/// actually dialled (docs/ARCHITECTURE.md "Egress policy"): resolve, unwrap IPv4-mapped addresses, keep IPv4,
/// check each, connect to the first allowed one. Checking here rather than on the host string defeats DNS
/// rebinding and every alternative spelling of loopback (127.1, 0x7f.1, 2130706433, ::ffff:127.0.0.1).
/// </summary>
internal sealed class EgressConnector(EgressPolicy policy, ILogger logger)
{
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var endpoint = context.DnsEndPoint;
        IPAddress[] addresses = IPAddress.TryParse(endpoint.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endpoint.Host, cancellationToken);

        SocketException? lastFailure = null;
        EgressVerdict? firstDenied = null;
        foreach (var candidate in addresses)
        {
            var verdict = policy.Evaluate(candidate);
            if (!verdict.Allowed)
            {
                // IPv6 answers are skipped silently (the upstream hop is IPv4 only), IPv4 denials are reported.
                if (verdict.Address.AddressFamily == AddressFamily.InterNetwork)
                {
                    firstDenied ??= verdict;
                }

                continue;
            }

            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(verdict.Address, endpoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                lastFailure = ex;
                ProxyLog.UpstreamDialFailed(logger, endpoint.Host, $"{verdict.Address}:{endpoint.Port}", DescribeSocketError(ex, verdict.Address, endpoint.Port));
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        if (lastFailure is not null)
        {
            throw lastFailure;
        }

        if (firstDenied is not null)
        {
            ProxyLog.IpValidationFailed(logger, firstDenied.Address.ToString(), endpoint.Host, firstDenied.Reason);
            throw new EgressDeniedException(firstDenied.Address);
        }

        throw new EgressDeniedException($"{endpoint.Host} has no IPv4 address (only IPv4 is supported on the upstream hop)");
    }

    /// <summary>Go's wording (<c>dial tcp 10.0.0.5:9000: connect: connection refused</c>), which the docs quote.</summary>
    public static string DescribeSocketError(SocketException ex, IPAddress address, int port) => ex.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => $"dial tcp {address}:{port}: connect: connection refused",
        SocketError.TimedOut => $"dial tcp {address}:{port}: i/o timeout",
        SocketError.HostUnreachable or SocketError.NetworkUnreachable => $"dial tcp {address}:{port}: connect: no route to host",
        _ => $"dial tcp {address}:{port}: {ex.Message}",
    };
}
