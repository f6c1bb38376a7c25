using McpTunnel.Common.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace McpTunnel.Proxy.Listener;

/// <summary>
/// How a <see cref="ListenAddress"/> becomes a Kestrel endpoint, for the tunnel listener and the admin listener alike:
/// an empty host binds every interface of both families, <c>localhost</c> both loopbacks, an IP literal that address.
/// Both listeners speak HTTP/1.1 only (the WebSocket upgrade; health probes and scrapes).
/// </summary>
internal static class KestrelBinding
{
    public static void ListenHttp1(this KestrelServerOptions kestrel, ListenAddress address, Action<ListenOptions>? configure = null)
    {
        void Http1(ListenOptions options)
        {
            options.Protocols = HttpProtocols.Http1;
            configure?.Invoke(options);
        }

        if (address.IsAllInterfaces)
        {
            kestrel.ListenAnyIP(address.Port, Http1);
        }
        else if (address.IsLocalhost)
        {
            kestrel.ListenLocalhost(address.Port, Http1);
        }
        else
        {
            kestrel.Listen(address.ToEndPoint(), Http1);
        }
    }
}
