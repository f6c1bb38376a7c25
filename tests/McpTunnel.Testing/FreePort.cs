using System.Net;
using System.Net.Sockets;

namespace McpTunnel.Testing;

/// <summary>
/// A loopback port nothing listens on (bound to port 0, read back, released), for a listener whose address must be
/// written into a config file before it starts.
/// </summary>
internal static class FreePort
{
    public static int OnLoopback()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
