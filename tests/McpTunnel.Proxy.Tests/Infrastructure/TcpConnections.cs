using System.Globalization;

namespace McpTunnel.Proxy.Tests.Infrastructure;

/// <summary>
/// The kernel's view of open TCP connections (<c>/proc/net/tcp</c>), for counting what a process holds open to a
/// port without asking the process: a leaked connection shows here however the code lost track of it.
/// </summary>
internal static class TcpConnections
{
    private const string Established = "01";

    /// <summary>Connections in state ESTABLISHED whose remote end is <paramref name="port"/> (the dialling side's sockets).</summary>
    public static int EstablishedTo(int port)
    {
        var count = 0;
        foreach (var line in File.ReadLines("/proc/net/tcp").Skip(1))
        {
            // "  sl  local_address rem_address   st ..." with addresses as HEXIP:HEXPORT
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 3 && fields[3] == Established
                && int.Parse(fields[2].AsSpan(fields[2].IndexOf(':') + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture) == port)
            {
                count++;
            }
        }

        return count;
    }
}
